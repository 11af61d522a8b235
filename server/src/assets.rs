//! The browser's files under `/pkg`: named by their content and compressed
//! once, at build time (`roster assets`, run by scripts/lib.sh after
//! `cargo xtask site`), so that the server can let browsers keep them for a year
//! and never compresses them per request.
//!
//! The build writes `asset-manifest.json` in the site root; the server reads
//! it at start and hands the names to the page shell
//! ([`app::ui::AssetNames`]). Without a manifest (a development build), the
//! shell names the site build's plain files and they are revalidated on every
//! use.

use app::ui::AssetNames;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::Path;

/// The manifest's file name, in the site root.
pub const MANIFEST: &str = "asset-manifest.json";

/// Hex digits of the content hash in a file name: 64 bits, enough that two
/// builds never collide in a browser's cache.
const HASH_DIGITS: usize = 16;

/// Whether a `/pkg/` file name carries a content hash (`name-<hash>.ext`,
/// optionally `.br` or `.gz`): only those may be cached as immutable.
pub fn is_content_named(file_name: &str) -> bool {
    let stem = file_name
        .strip_suffix(".br")
        .or_else(|| file_name.strip_suffix(".gz"))
        .unwrap_or(file_name);
    let Some((stem, _extension)) = stem.rsplit_once('.') else {
        return false;
    };
    let Some((_name, hash)) = stem.rsplit_once('-') else {
        return false;
    };
    hash.len() == HASH_DIGITS
        && hash
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

/// Reads the manifest the build wrote, if there is one.
pub fn read_manifest(site_root: &Path) -> Result<Option<AssetNames>, String> {
    let path = site_root.join(MANIFEST);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let manifest: Manifest = serde_json::from_str(&text)
        .map_err(|e| format!("{} is not an asset manifest: {e}", path.display()))?;
    let inline_stylesheet = match &manifest.invitee {
        Some(_) => {
            let path = site_root.join("pkg").join(&manifest.stylesheet);
            let css = std::fs::read_to_string(&path).map_err(|e| io_error(&path, e))?;
            Some(css.into())
        }
        None => None,
    };
    Ok(Some(AssetNames {
        stylesheet: manifest.stylesheet,
        app: manifest.app,
        invitee: manifest.invitee,
        inline_stylesheet,
    }))
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Manifest {
    stylesheet: String,
    app: String,
    invitee: Option<String>,
}

/// `roster assets SITE_ROOT [INVITEE_PKG_DIR]`: renames the site build's
/// output in `SITE_ROOT/pkg` (and the invitee bundle, copied in from its
/// own site) to content-hashed names, writes brotli (highest quality) and
/// gzip copies beside each, removes what earlier builds left, and writes
/// the manifest. Prints each file's sizes.
pub fn prepare(site_root: &Path, invitee_pkg: Option<&Path>) -> Result<(), String> {
    let pkg = site_root.join("pkg");
    remove_earlier_builds(&pkg)?;
    let app = hash_bundle(&pkg, &pkg, "roster")?;
    let invitee = match invitee_pkg {
        Some(dir) => Some(hash_bundle(dir, &pkg, "invitee")?),
        None => None,
    };
    let css =
        std::fs::read(pkg.join("roster.css")).map_err(|e| io_error(&pkg.join("roster.css"), e))?;
    let stylesheet = format!("roster-{}.css", content_hash(&[&css]));
    write_compressed(&pkg, &stylesheet, &css)?;
    remove(&pkg.join("roster.css"))?;
    let manifest = Manifest {
        stylesheet,
        app,
        invitee,
    };
    let json = serde_json::to_string_pretty(&manifest).map_err(|e| e.to_string())?;
    let path = site_root.join(MANIFEST);
    std::fs::write(&path, json).map_err(|e| io_error(&path, e))?;
    Ok(())
}

/// Hashes a wasm-bindgen pair (`NAME.js` and `NAME.wasm` in `from`) under
/// one name, since the glue and the module only work together; returns the
/// hashed stem (`NAME-<hash>`).
fn hash_bundle(from: &Path, pkg: &Path, name: &str) -> Result<String, String> {
    let js_path = from.join(format!("{name}.js"));
    let wasm_path = from.join(format!("{name}.wasm"));
    let js = std::fs::read(&js_path).map_err(|e| io_error(&js_path, e))?;
    let wasm = std::fs::read(&wasm_path).map_err(|e| io_error(&wasm_path, e))?;
    let stem = format!("{name}-{}", content_hash(&[&js, &wasm]));
    write_compressed(pkg, &format!("{stem}.js"), &js)?;
    write_compressed(pkg, &format!("{stem}.wasm"), &wasm)?;
    for leftover in [js_path, wasm_path] {
        remove(&leftover)?;
    }
    for declarations in [format!("{name}.d.ts"), format!("{name}_bg.wasm.d.ts")] {
        remove(&from.join(declarations))?;
    }
    Ok(stem)
}

fn content_hash(parts: &[&[u8]]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    let digest = hasher.finalize();
    digest
        .iter()
        .take(HASH_DIGITS / 2)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Writes `name`, `name.br` and `name.gz`, and prints their sizes.
fn write_compressed(pkg: &Path, name: &str, bytes: &[u8]) -> Result<(), String> {
    let path = pkg.join(name);
    std::fs::write(&path, bytes).map_err(|e| io_error(&path, e))?;

    let mut brotli = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 24,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut brotli, &params)
        .map_err(|e| format!("brotli failed on {name}: {e}"))?;
    let br_path = pkg.join(format!("{name}.br"));
    std::fs::write(&br_path, &brotli).map_err(|e| io_error(&br_path, e))?;

    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gzip.write_all(bytes)
        .map_err(|e| format!("gzip failed on {name}: {e}"))?;
    let gzip = gzip
        .finish()
        .map_err(|e| format!("gzip failed on {name}: {e}"))?;
    let gz_path = pkg.join(format!("{name}.gz"));
    std::fs::write(&gz_path, &gzip).map_err(|e| io_error(&gz_path, e))?;

    println!(
        "    {name}: {} bytes, {} brotli, {} gzip",
        bytes.len(),
        brotli.len(),
        gzip.len()
    );
    Ok(())
}

/// Content-named files of earlier builds: a browser that still runs an
/// older page finds its bundle gone at the next navigation and reloads,
/// rather than mixing old glue with a new module.
fn remove_earlier_builds(pkg: &Path) -> Result<(), String> {
    let entries = std::fs::read_dir(pkg).map_err(|e| io_error(pkg, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| io_error(pkg, e))?;
        let name = entry.file_name();
        if name.to_str().is_some_and(is_content_named) {
            remove(&entry.path())?;
        }
    }
    Ok(())
}

fn remove(path: &Path) -> Result<(), String> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io_error(path, e)),
    }
}

fn io_error(path: &Path, e: std::io::Error) -> String {
    format!("{}: {e}", path.display())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_content_hashed_names_count_as_immutable() {
        assert!(is_content_named("roster-0123456789abcdef.wasm"));
        assert!(is_content_named("invitee-0123456789abcdef.js.br"));
        assert!(is_content_named("roster-0123456789abcdef.css.gz"));
        assert!(!is_content_named("roster.wasm"));
        assert!(!is_content_named("roster-0123456789ABCDEF.wasm"));
        assert!(!is_content_named("roster-0123456789abcde.wasm"));
        assert!(!is_content_named("0123456789abcdef"));
    }

    #[test]
    fn prepare_names_files_by_content_and_compresses_them_once() {
        let site = tempdir();
        let pkg = site.join("pkg");
        let invitee = site.join("invitee-pkg");
        std::fs::create_dir_all(&pkg).unwrap();
        std::fs::create_dir_all(&invitee).unwrap();
        std::fs::write(pkg.join("roster.js"), "export function hydrate() {}").unwrap();
        std::fs::write(pkg.join("roster.wasm"), vec![7u8; 4096]).unwrap();
        std::fs::write(pkg.join("roster.css"), "body { margin: 0 }").unwrap();
        std::fs::write(invitee.join("invitee.js"), "export function hydrate() {}").unwrap();
        std::fs::write(invitee.join("invitee.wasm"), vec![9u8; 2048]).unwrap();
        // What an earlier build left.
        std::fs::write(pkg.join("roster-ffffffffffffffff.wasm"), "old").unwrap();

        prepare(&site, Some(&invitee)).unwrap();

        let names = read_manifest(&site).unwrap().unwrap();
        assert!(
            names.app.starts_with("roster-") && is_content_named(&format!("{}.wasm", names.app))
        );
        let invitee_stem = names.invitee.clone().unwrap();
        assert_ne!(names.app, invitee_stem.replace("invitee", "roster"));
        let wasm = std::fs::read(pkg.join(format!("{}.wasm", names.app))).unwrap();
        assert_eq!(wasm, vec![7u8; 4096]);
        let mut unpacked = Vec::new();
        let br = std::fs::read(pkg.join(format!("{}.wasm.br", names.app))).unwrap();
        brotli::BrotliDecompress(&mut &br[..], &mut unpacked).unwrap();
        assert_eq!(unpacked, wasm);
        let gz = std::fs::read(pkg.join(format!("{}.wasm.gz", names.app))).unwrap();
        let mut unpacked = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz[..]), &mut unpacked)
            .unwrap();
        assert_eq!(unpacked, wasm);
        assert!(pkg.join(format!("{invitee_stem}.js.br")).exists());
        assert!(pkg.join(&names.stylesheet).exists());
        for gone in [
            "roster.js",
            "roster.wasm",
            "roster.css",
            "roster-ffffffffffffffff.wasm",
        ] {
            assert!(!pkg.join(gone).exists(), "{gone} should be gone");
        }
        std::fs::remove_dir_all(&site).unwrap();
    }

    #[test]
    fn a_build_without_a_manifest_names_the_plain_files() {
        let site = tempdir();
        assert!(read_manifest(&site).unwrap().is_none());
        std::fs::remove_dir_all(&site).unwrap();
    }

    fn tempdir() -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("roster-assets-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
