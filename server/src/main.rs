//! `roster`: the server binary (the commands are in `cli.rs`).

/// Rendering a page allocates many small, short-lived values on every
/// worker thread at once; glibc's allocator spent a quarter of a loaded
/// server's time in `malloc`/`free` and their arena locks (`perf` during
/// `scripts/bench render`). With mimalloc's per-thread heaps a signed-in
/// /team render went from 1,092 to 1,282 requests/s.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    server::cli::main(None)
}
