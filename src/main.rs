use std::process::ExitCode;

// Defines `pow` and `log` with `#[unsafe(no_mangle)]`.
#[allow(unsafe_code)]
mod libm_symbols;

fn main() -> ExitCode {
    regctl::main()
}
