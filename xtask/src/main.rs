//! `cargo xtask site`: builds what browsers download, for the server to
//! serve from its site root.
//!
//! For each bundle in Cargo.toml's `[[workspace.metadata.leptos]]` (the
//! whole application's and the invitee pages'), in this order:
//!
//! 1. `cargo build --lib --target wasm32-unknown-unknown` of its crate, all
//!    bundles in one cargo run so that they share one dependency build;
//! 2. wasm-bindgen's JavaScript glue (the library, at the version in
//!    Cargo.lock) into `SITE_ROOT/PKG_DIR`, the module as `NAME.wasm`;
//! 3. wasm-opt (npm's binaryen, on PATH) with the bundle's flags;
//! 4. terser's minification of the glue (npm, on PATH): of the minifiers
//!    tried, the one closest to cargo-leptos's swc (invitee glue 4,971
//!    bytes brotli; swc 4,962, esbuild 5,003);
//! 5. lightningcss's minification of its stylesheet, for the browsers in
//!    its `browserquery` (npm, on PATH);
//! 6. a copy of its assets directory into the site root.
//!
//! Then `roster assets` names the files by content and compresses them
//! (scripts/lib.sh runs both). Each step prints how long it took.
//!
//! This replaced cargo-leptos, which did the same through the same tools
//! but took 20 minutes to compile on a new machine.

use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

const USAGE: &str = "usage: cargo xtask site";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["site"] => site(),
        ["help" | "--help" | "-h"] => {
            println!("{USAGE}");
            Ok(())
        }
        _ => Err(USAGE.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

/// One browser bundle, as Cargo.toml describes it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct Bundle {
    name: String,
    /// `NAME.js`, `NAME.wasm` and `NAME.css` in the site's package folder.
    output_name: String,
    /// The `cdylib` crate that is the bundle.
    lib_package: String,
    site_root: String,
    site_pkg_dir: String,
    /// The server's address: read by the server from Leptos.toml, kept
    /// here only so that a test can see the two files agree.
    #[allow(dead_code)]
    site_addr: Option<String>,
    style_file: Option<String>,
    /// Which browsers the stylesheet is lowered for (a browserslist query).
    #[serde(default = "every_current_browser")]
    browserquery: String,
    assets_dir: Option<String>,
    /// The cargo profile of the WASM build.
    lib_profile_release: String,
    #[serde(default)]
    lib_features: Vec<String>,
    #[serde(default = "yes")]
    lib_default_features: bool,
    /// wasm-opt's flags; by default `-Oz` with the two features every
    /// browser Roster supports has.
    wasm_opt_features: Option<Vec<String>>,
}

fn every_current_browser() -> String {
    "defaults".to_string()
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
struct Manifest {
    workspace: Workspace,
}

#[derive(Deserialize)]
struct Workspace {
    metadata: Metadata,
}

#[derive(Deserialize)]
struct Metadata {
    leptos: Vec<Bundle>,
}

/// The workspace this binary was built from.
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn read_bundles(root: &Path) -> Result<Vec<Bundle>, String> {
    let path = root.join("Cargo.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let manifest: Manifest = toml::from_str(&text).map_err(|e| {
        format!(
            "{}: [[workspace.metadata.leptos]]: {}",
            path.display(),
            e.message()
        )
    })?;
    Ok(manifest.workspace.metadata.leptos)
}

fn site() -> Result<(), String> {
    let started = Instant::now();
    let root = workspace_root();
    let bundles = read_bundles(&root)?;
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|dir| root.join(dir))
        .unwrap_or_else(|| root.join("target"));

    check_site_roots(&bundles)?;
    compile(&root, &bundles)?;
    // Two cores, two bundles: wasm-opt dominates what follows, so each
    // bundle gets its own thread.
    std::thread::scope(|scope| {
        let runs: Vec<_> = bundles
            .iter()
            .map(|bundle| scope.spawn(|| finish(&root, &target_dir, bundle)))
            .collect();
        runs.into_iter()
            .map(|run| {
                run.join()
                    .unwrap_or_else(|_| Err("a bundle's build panicked".into()))
            })
            .collect::<Result<Vec<()>, String>>()
    })?;
    println!(
        "xtask site: done in {:.1}s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Each bundle's site root is emptied before its build: it must be its own,
/// and inside `target/`, so that no setting can empty anything else.
fn check_site_roots(bundles: &[Bundle]) -> Result<(), String> {
    for (i, bundle) in bundles.iter().enumerate() {
        let root = Path::new(&bundle.site_root);
        let inside_target = root.starts_with("target")
            && root.components().count() > 1
            && root
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_)));
        if !inside_target {
            return Err(format!(
                "bundle {}: site-root {:?} must be a folder inside target/",
                bundle.name, bundle.site_root
            ));
        }
        if let Some(other) = bundles[..i]
            .iter()
            .find(|b| b.site_root == bundle.site_root)
        {
            return Err(format!(
                "bundles {} and {} share site-root {:?}; each build empties its own",
                other.name, bundle.name, bundle.site_root
            ));
        }
    }
    Ok(())
}

/// Step 1: every bundle's crate in one cargo run. (cargo-leptos built each
/// on its own; one run unifies the crates' features, which are the same.)
fn compile(root: &Path, bundles: &[Bundle]) -> Result<(), String> {
    let first = bundles
        .first()
        .ok_or("Cargo.toml names no bundle ([[workspace.metadata.leptos]])")?;
    // One run means one profile and one set of feature switches.
    if let Some(other) = bundles.iter().find(|b| {
        b.lib_profile_release != first.lib_profile_release
            || b.lib_default_features != first.lib_default_features
    }) {
        return Err(format!(
            "bundles {} and {} differ in lib-profile-release or lib-default-features; one cargo build needs them equal",
            first.name, other.name
        ));
    }
    let mut cargo = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cargo
        .current_dir(root)
        .args(["build", "--lib", "--target", "wasm32-unknown-unknown"])
        .args(["--profile", &first.lib_profile_release]);
    if !first.lib_default_features {
        cargo.arg("--no-default-features");
    }
    for bundle in bundles {
        cargo.args(["--package", &bundle.lib_package]);
        for feature in &bundle.lib_features {
            cargo.args(["--features", &format!("{}/{feature}", bundle.lib_package)]);
        }
    }
    timed("cargo build (wasm32, every bundle)", || run(&mut cargo))
}

/// Steps 2 to 6 for one bundle.
fn finish(root: &Path, target_dir: &Path, bundle: &Bundle) -> Result<(), String> {
    let name = &bundle.name;
    let site_root = root.join(&bundle.site_root);
    let pkg = site_root.join(&bundle.site_pkg_dir);
    // What an earlier build left would otherwise be served beside this one.
    if site_root.exists() {
        std::fs::remove_dir_all(&site_root).map_err(|e| io_error(&site_root, e))?;
    }
    std::fs::create_dir_all(&pkg).map_err(|e| io_error(&pkg, e))?;

    let compiled = target_dir
        .join("wasm32-unknown-unknown")
        .join(&bundle.lib_profile_release)
        .join(format!("{}.wasm", bundle.lib_package.replace('-', "_")));
    let out = &bundle.output_name;
    let wasm = pkg.join(format!("{out}.wasm"));
    let js = pkg.join(format!("{out}.js"));

    timed(&format!("{name}: wasm-bindgen"), || {
        wasm_bindgen_cli_support::Bindgen::new()
            .input_path(&compiled)
            .out_name(out)
            .web(true)
            .and_then(|b| {
                b.typescript(false)
                    // As the CLI does: the glue names `NAME_bg.wasm` beside
                    // itself when the page passes no module path.
                    .omit_default_module_path(false)
                    .generate(&pkg)
            })
            .map_err(|e| format!("wasm-bindgen {}: {e:#}", compiled.display()))?;
        let emitted = pkg.join(format!("{out}_bg.wasm"));
        std::fs::rename(&emitted, &wasm).map_err(|e| io_error(&emitted, e))
    })?;

    timed(&format!("{name}: wasm-opt"), || {
        let default_flags = [
            "-Oz",
            "--enable-bulk-memory",
            "--enable-nontrapping-float-to-int",
        ]
        .map(String::from);
        let flags = bundle
            .wasm_opt_features
            .as_deref()
            .unwrap_or(&default_flags);
        run(tool("wasm-opt").args(flags).arg(&wasm).arg("-o").arg(&wasm))
    })?;

    timed(&format!("{name}: terser"), || {
        run(tool("terser")
            .arg(&js)
            .args(["--module", "--compress", "passes=2", "--mangle", "--output"])
            .arg(&js))
    })?;

    if let Some(style) = &bundle.style_file {
        timed(&format!("{name}: lightningcss --minify"), || {
            run(tool("lightningcss")
                .args(["--minify", "--targets", &bundle.browserquery])
                .arg(root.join(style))
                .arg("-o")
                .arg(pkg.join(format!("{out}.css"))))
        })?;
    }

    if let Some(assets) = &bundle.assets_dir {
        timed(&format!("{name}: copying {assets}/"), || {
            copy_tree(&root.join(assets), &site_root)
        })?;
    }
    Ok(())
}

/// An npm tool, found first where scripts/lib.sh installs them: another
/// on PATH may be the wrong one (Debian's wasm-opt 108 makes bundles that
/// fail at hydration).
fn tool(name: &str) -> Command {
    let mut command = Command::new(name);
    if let Some(home) = std::env::var_os("HOME") {
        let tools = Path::new(&home).join(".cache/roster/tools/node_modules/.bin");
        let path = std::env::var_os("PATH").unwrap_or_default();
        if let Ok(joined) =
            std::env::join_paths(std::iter::once(tools).chain(std::env::split_paths(&path)))
        {
            // The child's PATH is also where `name` is looked up.
            command.env("PATH", joined);
        }
    }
    command
}

fn copy_tree(from: &Path, to: &Path) -> Result<(), String> {
    for entry in std::fs::read_dir(from).map_err(|e| io_error(from, e))? {
        let entry = entry.map_err(|e| io_error(from, e))?;
        let source = entry.path();
        let target = to.join(entry.file_name());
        if source.is_dir() {
            std::fs::create_dir_all(&target).map_err(|e| io_error(&target, e))?;
            copy_tree(&source, &target)?;
        } else {
            std::fs::copy(&source, &target).map_err(|e| io_error(&source, e))?;
        }
    }
    Ok(())
}

/// Runs `command`, failing with its name when it fails or is missing.
fn run(command: &mut Command) -> Result<(), String> {
    let program = command.get_program().to_string_lossy().into_owned();
    let status = command.status().map_err(|e| {
        format!("cannot run {program}: {e} (scripts/run and scripts/test install it)")
    })?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{program} failed ({status})"))
    }
}

fn timed<T>(what: &str, work: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    let started = Instant::now();
    let result = work();
    println!("    {:6.1}s  {what}", started.elapsed().as_secs_f64());
    result
}

fn io_error(path: &Path, e: std::io::Error) -> String {
    format!("{}: {e}", path.display())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_bundle_the_workspace_declares() {
        let bundles = read_bundles(&workspace_root()).unwrap();
        let names: Vec<&str> = bundles.iter().map(|b| b.output_name.as_str()).collect();
        assert_eq!(names, ["roster", "invitee"]);
        // The server serves one site root; the invitee bundle is built
        // beside it and moved in by `roster assets`.
        assert_eq!(bundles[0].site_root, "target/site");
        assert_ne!(bundles[1].site_root, bundles[0].site_root);
        assert!(bundles[0].style_file.is_some(), "the app has a stylesheet");
        for bundle in &bundles {
            let manifest = workspace_root()
                .join(&bundle.lib_package)
                .join("Cargo.toml");
            assert!(manifest.exists(), "{} names no crate", bundle.lib_package);
        }
    }

    #[test]
    fn refuses_site_roots_it_could_not_safely_empty() {
        let bundle = |name: &str, root: &str| Bundle {
            name: name.to_string(),
            output_name: name.to_string(),
            lib_package: name.to_string(),
            site_root: root.to_string(),
            site_pkg_dir: "pkg".to_string(),
            site_addr: None,
            style_file: None,
            browserquery: every_current_browser(),
            assets_dir: None,
            lib_profile_release: "wasm-release".to_string(),
            lib_features: Vec::new(),
            lib_default_features: false,
            wasm_opt_features: None,
        };
        assert!(check_site_roots(&[bundle("a", "target/site"), bundle("b", "target/b")]).is_ok());
        for root in [".", "target", "/tmp/site", "target/../app", "app"] {
            let error = check_site_roots(&[bundle("a", root)]).unwrap_err();
            assert!(error.contains("inside target/"), "{root}: {error}");
        }
        let error = check_site_roots(&[bundle("a", "target/site"), bundle("b", "target/site")])
            .unwrap_err();
        assert!(error.contains("share site-root"), "{error}");
    }

    #[test]
    fn refuses_a_key_it_would_ignore() {
        let text = r#"
            [[workspace.metadata.leptos]]
            name = "a"
            output-name = "a"
            lib-package = "a"
            site-root = "target/site"
            site-pkg-dir = "pkg"
            lib-profile-release = "wasm-release"
            bin-features = ["x"]
        "#;
        let error = toml::from_str::<Manifest>(text).err().unwrap();
        assert!(error.message().contains("bin-features"), "{error}");
    }
}
