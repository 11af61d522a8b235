//! `roster-test-hooks`: the test build, `roster` with the Playwright
//! suite's hooks (`routes.rs`). A binary of its own, so that the hooks are
//! never compiled into `roster`, and so that the test command's one debug
//! build of the server makes both (cargo builds a package's binaries for
//! its integration tests). It serves only with ROSTER_TEST_HOOKS=1.

mod routes;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    server::cli::main(Some(routes::add))
}
