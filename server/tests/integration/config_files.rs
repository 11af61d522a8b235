//! The site build (`cargo xtask site`) reads Cargo.toml; the server reads
//! Leptos.toml. A key in
//! both must mean the same thing.

#[test]
fn leptos_toml_agrees_with_cargo_toml() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let cargo: toml::Value =
        toml::from_str(&std::fs::read_to_string(format!("{root}/Cargo.toml")).unwrap()).unwrap();
    let leptos: toml::Value =
        toml::from_str(&std::fs::read_to_string(format!("{root}/Leptos.toml")).unwrap()).unwrap();
    let from_cargo = cargo["workspace"]["metadata"]["leptos"].as_array().unwrap()[0]
        .as_table()
        .unwrap();
    let from_leptos = leptos["package"]["metadata"]["leptos"].as_table().unwrap();
    let mut shared = 0;
    for (key, value) in from_leptos {
        if let Some(other) = from_cargo.get(key) {
            assert_eq!(
                value, other,
                "`{key}` differs between Leptos.toml and Cargo.toml"
            );
            shared += 1;
        }
    }
    assert!(shared >= 4, "the files share the site settings");
    assert_eq!(from_leptos["output-name"].as_str(), Some("roster"));
}

#[test]
fn the_server_reads_leptos_toml() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../Leptos.toml");
    let options = leptos::config::get_configuration(Some(path))
        .unwrap()
        .leptos_options;
    assert_eq!(&*options.output_name, "roster");
    assert_eq!(&*options.site_pkg_dir, "pkg");
}
