//! The static images: their intrinsic sizes, for `width` and `height` on `<img>` (no layout shift as they
//! load), and a problem for each one a browser could not show.

use std::io::{BufRead, Seek, SeekFrom};

use rayon::prelude::*;

use crate::HashMap;
use crate::diagnostics::Problem;
use crate::site::{StaticFile, StaticSource};

/// Width and height of images, by site path.
pub type ImageSizes = HashMap<String, (u32, u32)>;

/// The image formats a browser shows that are read for their size, by extension (SVG is read as text).
const RASTER_IMAGES: [&str; 8] = ["png", "jpg", "jpeg", "gif", "webp", "avif", "bmp", "ico"];

/// An image's size (None where it has none to read), or why a browser could not show it.
type ImageRead = Result<Option<(u32, u32)>, Problem>;

const AGAIN: &str = "copy or export the image again (a file saved from a web page may be the page, not its image)";

/// The sizes of the images among `files`, and their problems. A rebuild passes the previous sizes and the
/// paths that changed (a file, or a folder moved in whole, `""` for all of static/): only what changed is read.
pub fn image_sizes(files: &[StaticFile], known: Option<(&ImageSizes, &std::collections::HashSet<String>)>) -> (ImageSizes, Vec<Problem>) {
    let read: Vec<(&StaticFile, ImageRead)> = files
        .par_iter()
        .filter_map(|f| {
            let extension = f.path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
            if extension != "svg" && !RASTER_IMAGES.contains(&extension.as_str()) {
                return None;
            }
            if let Some((known, changed)) = known
                && !touched(changed, &f.path)
            {
                return Some((f, Ok(known.get(&f.path).copied())));
            }
            Some((f, if extension == "svg" { svg(f, &f.shown) } else { raster(f, &f.shown, &extension) }))
        })
        .collect();
    let mut sizes = ImageSizes::default();
    let mut problems = Vec::new();
    for (f, result) in read {
        match result {
            Ok(Some(size)) => {
                sizes.insert(f.path.clone(), size);
            }
            Ok(None) => {}
            Err(problem) => problems.push(problem),
        }
    }
    (sizes, problems)
}

/// Whether the site path `path` is among the `changed` paths or inside one of them, which may be folders
/// moved in whole (`""` for all of static/).
pub fn touched(changed: &std::collections::HashSet<String>, path: &str) -> bool {
    changed.iter().any(|c| is_within(path, c))
}

/// Whether the site path `path` is `changed` or inside it (`""` holds everything).
fn is_within(path: &str, changed: &str) -> bool {
    changed.is_empty() || path.strip_prefix(changed).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

fn bytes(f: &StaticFile) -> std::io::Result<std::borrow::Cow<'_, [u8]>> {
    match &f.source {
        StaticSource::Disk(path) => std::fs::read(path).map(std::borrow::Cow::Owned),
        StaticSource::Embedded(bytes) => Ok(std::borrow::Cow::Borrowed(bytes)),
    }
}

/// An SVG must be well-formed XML with an `<svg>` root: a browser shows nothing of one cut short.
fn svg(f: &StaticFile, shown: &str) -> ImageRead {
    let bytes = bytes(f).map_err(|e| Problem::new(shown, format!("cannot read: {e}")))?;
    let text = String::from_utf8_lossy(&bytes);
    // Drawing programs write a DOCTYPE, which browsers read.
    let options = roxmltree::ParsingOptions { allow_dtd: true, ..roxmltree::ParsingOptions::default() };
    match roxmltree::Document::parse_with_options(&text, options) {
        Ok(document) if document.root_element().tag_name().name() == "svg" => Ok(svg_size(&text)),
        Ok(_) => Err(Problem::new(shown, "not an SVG image: its outermost element is not `<svg>`").help("export it again as SVG from the drawing program")),
        Err(_) if !text.contains("<svg") => Err(Problem::new(shown, "not an SVG image: it has no `<svg>` element").help("export it again as SVG from the drawing program")),
        Err(e) => {
            let problem = Problem::new(shown, format!("the SVG is not well-formed, so browsers show none of it: {}", without_position(&e.to_string())));
            // The end of the text has no position of its own in roxmltree's errors.
            let problem = match e {
                roxmltree::Error::UnexpectedEndOfStream => problem.at_offset(&text, text.trim_end().len()),
                _ => problem.at(&text, e.pos().row as usize, e.pos().col as usize),
            };
            Err(problem.help("a file cut short ends like this: copy or export it again"))
        }
    }
}

/// roxmltree's message without the position it ends with (the problem shows it).
fn without_position(message: &str) -> &str {
    message.rsplit_once(" at ").filter(|(_, at)| at.bytes().all(|b| b.is_ascii_digit() || b == b':')).map_or(message, |(text, _)| text)
}

fn raster(f: &StaticFile, shown: &str, extension: &str) -> ImageRead {
    let (size, turned) = match &f.source {
        StaticSource::Disk(path) => {
            let turned = is_jpeg(extension) && std::fs::File::open(path).is_ok_and(|file| is_turned(std::io::BufReader::new(file)));
            (imagesize::size(path), turned)
        }
        StaticSource::Embedded(bytes) => (imagesize::blob_size(bytes), is_jpeg(extension) && is_turned(std::io::Cursor::new(bytes))),
    };
    let empty = || match &f.source {
        StaticSource::Disk(path) => std::fs::metadata(path).is_ok_and(|m| m.len() == 0),
        StaticSource::Embedded(bytes) => bytes.is_empty(),
    };
    let size = raster_size(size, shown, extension, empty)?;
    Ok(size.map(|(w, h)| if turned { (h, w) } else { (w, h) }))
}

fn is_jpeg(extension: &str) -> bool {
    matches!(extension, "jpg" | "jpeg")
}

/// A raster image's size (None where it cannot be read from a file that looks like its format), or the
/// problem that keeps a browser from showing it: an empty file, or one that is no image.
fn raster_size(size: imagesize::ImageResult<imagesize::ImageSize>, shown: &str, extension: &str, empty: impl Fn() -> bool) -> ImageRead {
    use imagesize::ImageError;
    match size {
        Ok(size) => Ok(u32::try_from(size.width).ok().zip(u32::try_from(size.height).ok()).filter(|&(w, h)| w > 0 && h > 0)),
        Err(ImageError::NotSupported) => Err(Problem::new(shown, format!("not an image: the file does not begin as a {} file does", extension.to_ascii_uppercase())).help(AGAIN)),
        Err(ImageError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof && empty() => Err(Problem::new(shown, "the image file is empty").help(AGAIN)),
        // JPEG segments may be padded in ways decoders accept and the size reader does not: leave the size
        // out rather than refuse an image browsers show.
        Err(ImageError::CorruptedImage | ImageError::IoError(_)) if is_jpeg(extension) => Ok(None),
        Err(ImageError::CorruptedImage) => Err(Problem::new(shown, "the image is cut short: it ends before its size").help(AGAIN)),
        Err(ImageError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => Err(Problem::new(shown, "the image is cut short").help(AGAIN)),
        Err(ImageError::IoError(e)) => Err(Problem::new(shown, format!("cannot read: {e}"))),
    }
}

/// Whether a JPEG's Exif orientation turns it a quarter (a phone's portrait photo is often stored on its side):
/// browsers show it turned, so its width and height trade places. Only the segments before the image data
/// are read, where the Exif segment is.
fn is_turned(reader: impl BufRead + Seek) -> bool {
    let Some(exif) = jpeg_exif(reader) else { return false };
    let Ok(exif) = exif::Reader::new().read_raw(exif) else { return false };
    exif.get_field(exif::Tag::Orientation, exif::In::PRIMARY).and_then(|f| f.value.get_uint(0)).is_some_and(|o| (5..=8).contains(&o))
}

/// The TIFF data of a JPEG's Exif segment (APP1 `Exif\0\0`), found among the segments before the first
/// frame or scan.
fn jpeg_exif(mut reader: impl BufRead + Seek) -> Option<Vec<u8>> {
    let mut two = [0u8; 2];
    reader.read_exact(&mut two).ok()?;
    if two != [0xFF, 0xD8] {
        return None;
    }
    loop {
        // A marker: 0xFF (any number of them, as fill), then its code.
        let mut byte = [0u8; 1];
        reader.read_exact(&mut byte).ok()?;
        if byte[0] != 0xFF {
            continue;
        }
        let mut code = 0xFF;
        while code == 0xFF {
            reader.read_exact(&mut byte).ok()?;
            code = byte[0];
        }
        match code {
            // Markers that stand alone, with no length.
            0x00 | 0x01 | 0xD0..=0xD7 => continue,
            // Start of a frame or scan, or end of the image: the metadata is behind.
            0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF | 0xDA | 0xD9 => return None,
            _ => {}
        }
        reader.read_exact(&mut two).ok()?;
        let length = usize::from(u16::from_be_bytes(two)).checked_sub(2)?;
        if code == 0xE1 {
            let mut segment = vec![0u8; length];
            reader.read_exact(&mut segment).ok()?;
            if let Some(tiff) = segment.strip_prefix(b"Exif\0\0") {
                return Some(tiff.to_vec());
            }
        } else {
            reader.seek(SeekFrom::Current(i64::try_from(length).ok()?)).ok()?;
        }
    }
}

/// Width and height of an SVG: its `width`/`height` attributes, else its viewBox.
pub fn svg_size(svg: &str) -> Option<(u32, u32)> {
    let start = svg.find("<svg")?;
    let tag = &svg[start..start + svg[start..].find('>')?];
    let attr = |name: &str| {
        let i = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        Some(&tag[i..i + tag[i..].find('"')?])
    };
    let number = |s: &str| s.trim_end_matches("px").parse::<f64>().ok().filter(|n| *n > 0.0).map(|n| n.round() as u32);
    if let (Some(w), Some(h)) = (attr("width").and_then(number), attr("height").and_then(number)) {
        return Some((w, h));
    }
    let parts: Vec<f64> = attr("viewBox")?.split([' ', ',']).filter(|s| !s.is_empty()).filter_map(|s| s.parse().ok()).collect();
    match parts[..] {
        [_, _, w, h] if w > 0.0 && h > 0.0 => Some((w.round() as u32, h.round() as u32)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn svg_sizes() {
        assert_eq!(svg_size(r#"<?xml?><svg xmlns="x" viewBox="0 0 480 320">"#), Some((480, 320)));
        assert_eq!(svg_size(r#"<svg width="48px" height="32" viewBox="0 0 480 320">"#), Some((48, 32)));
        assert_eq!(svg_size("<svg>"), None);
    }

    /// Reads as a file does, counting the bytes read.
    struct Counting<'a>(std::io::Cursor<&'a [u8]>, std::rc::Rc<std::cell::Cell<usize>>);

    impl Read for Counting<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.0.read(buf)?;
            self.1.set(self.1.get() + n);
            Ok(n)
        }
    }

    impl Seek for Counting<'_> {
        fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
            self.0.seek(to)
        }
    }

    #[test]
    fn the_exif_search_stops_at_the_image_data() {
        // SOI, an APP0 segment, a fill byte, SOF0, then a megabyte of scan data.
        let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x4A, 0x46, 0xFF, 0xFF, 0xC0, 0x00, 0x11];
        jpeg.extend(std::iter::repeat_n(0x55, 1 << 20));
        let count = std::rc::Rc::new(std::cell::Cell::new(0));
        let reader = std::io::BufReader::with_capacity(64, Counting(std::io::Cursor::new(&jpeg), count.clone()));
        assert!(!is_turned(reader));
        assert!(count.get() < 256, "read {} bytes", count.get());
    }

    #[test]
    fn a_changed_folder_holds_the_files_below_it() {
        assert!(is_within("pics/a.png", "pics") && is_within("pics", "pics") && is_within("a.png", ""));
        assert!(!is_within("pictures/a.png", "pics") && !is_within("a.png", "b.png"));
    }
}
