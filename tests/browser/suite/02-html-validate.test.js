// Every HTML page of the site, as served, passes html-validate with the recommended rules.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { HtmlValidate, FileSystemConfigLoader } from "html-validate";
import { HERE, useSiteAndBrowser } from "../lib/env.js";
import { allPages } from "../lib/crawl.js";
import { assertNone } from "../lib/check.js";

let pages;
useSiteAndBrowser({ before, after }, async (ctx) => {
  pages = await allPages(ctx.browser, ctx.base);
});
const validator = new HtmlValidate(new FileSystemConfigLoader());
// The config is found next to this file name: tests/browser/.htmlvalidate.mjs.
const configFor = path.join(HERE, "page.html");

test("the validator uses html-validate:recommended and catches real mistakes", async () => {
  const config = await validator.getConfigFor(configFor);
  const rules = config.getRules(); // name -> [severity, options]; severity 2 = error
  for (const rule of ["no-dup-id", "wcag/h37", "no-trailing-whitespace", "long-title", "aria-label-misuse", "valid-id", "no-inline-style", "no-redundant-role"]) {
    assert.equal(rules.get(rule)?.[0], 2, `${rule} is not an error`);
  }
  // Every rule of the preset stays on: the only change is a narrow option (see .htmlvalidate.mjs).
  const off = [...rules].filter(([, [severity]]) => severity < 2).map(([name]) => name);
  const preset = new HtmlValidate({ extends: ["html-validate:recommended"] });
  const presetRules = (await preset.getConfigFor("x.html")).getRules();
  const presetOn = [...presetRules].filter(([, [severity]]) => severity === 2).map(([name]) => name);
  assert.deepEqual(off.filter((name) => presetOn.includes(name)), [], "rules of html-validate:recommended turned off");
  const report = await validator.validateString(
    '<!DOCTYPE html><html lang="en"><head><title>x</title></head><body><p id="a"></p><p id="a"></p><img src="x.png"><div role="list"></div><div role="button">x</div><ul role="list"></ul><nav role="navigation"></nav></body></html>',
    configFor,
  );
  const found = new Set(report.results.flatMap((r) => r.messages.map((m) => m.ruleId)));
  for (const rule of ["no-dup-id", "wcag/h37", "prefer-native-element", "no-redundant-role"]) assert.ok(found.has(rule), `${rule} not reported: ${[...found]}`);
});

test("every HTML page passes html-validate", async () => {
  assert.ok(pages.length >= 30, `only ${pages.length} pages`);
  assert.ok(pages.some((p) => p.endsWith("/404.html")), "the 404 page is validated too");
  const problems = [];
  for (const url of pages) {
    const res = await fetch(url);
    assert.equal(res.status, 200, url);
    const report = await validator.validateString(await res.text(), configFor);
    for (const result of report.results) {
      for (const m of result.messages) problems.push(`${url}:${m.line}:${m.column} ${m.ruleId}: ${m.message}${m.selector ? ` (${m.selector})` : ""}`);
    }
  }
  assertNone(problems, "html-validate errors");
});
