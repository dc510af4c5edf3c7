import assert from "node:assert/strict";

/** Fails with one readable line per problem when `problems` is not empty. */
export function assertNone(problems, what) {
  if (problems.length) assert.fail(`${problems.length} ${what}:\n  ${problems.join("\n  ")}`);
}
