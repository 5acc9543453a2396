//! `pow` and `log` for the regctl binary, so it does not load glibc's libm.
//!
//! The one libm function the optimised binary calls is `pow` (tokio's
//! scheduler statistics, indicatif's rate estimates, minijinja's `**`);
//! builds without LTO also keep a call to `log` (the rsa crate's
//! multi-prime key generation, which regctl never asks for). Linking
//! libm.so.6 for them costs every process the library's load and its
//! relocations, whose IFUNC resolvers touch about 0.5 MiB of libm's pages:
//! a fourteenth of an idle `regctl serve`'s resident memory. Defining the
//! symbols here (with the `libm` crate's ports of musl's functions,
//! accurate to within one ulp like glibc's) lets the linker resolve them in
//! the binary and drop libm.so.6 from the needed libraries.

/// The C `pow` the compiler's float intrinsics call.
// SAFETY: the linker takes this definition for the binary's undefined
// references and so never loads libm.so.6; glibc's libraries call their
// own internal `pow`, so none of them is redirected here.
#[unsafe(no_mangle)]
pub(crate) extern "C" fn pow(x: f64, y: f64) -> f64 {
    libm::pow(x, y)
}

/// The C `log` (natural logarithm) behind `f64::ln`.
// SAFETY: as for `pow`.
#[unsafe(no_mangle)]
pub(crate) extern "C" fn log(x: f64) -> f64 {
    libm::log(x)
}

#[cfg(test)]
mod tests {
    unsafe extern "C" {
        #[link_name = "pow"]
        fn linked_pow(x: f64, y: f64) -> f64;
        #[link_name = "log"]
        fn linked_log(x: f64) -> f64;
    }

    /// The symbols the linker resolves (what tokio and indicatif call) are
    /// this module's, and they compute.
    #[test]
    fn the_linked_functions_are_ours_and_compute() {
        assert_eq!(
            linked_pow as *const () as usize,
            super::pow as *const () as usize
        );
        assert_eq!(
            linked_log as *const () as usize,
            super::log as *const () as usize
        );
        // SAFETY: both are plain C functions of doubles, defined above.
        assert_eq!(unsafe { linked_pow(2.0, 10.0) }, 1024.0);
        // SAFETY: as above.
        assert_eq!(unsafe { linked_log(1.0) }, 0.0);
        assert_eq!(super::pow(10.0, -2.0), 0.01);
        assert_eq!(super::pow(0.0, 0.0), 1.0);
        assert!(super::pow(-8.0, 1.0 / 3.0).is_nan());
        let ewma = 1.0 - super::pow(1.0 - 0.1, 3.0);
        assert!((ewma - 0.271).abs() < 1e-12, "{ewma}");
        assert!((super::log(std::f64::consts::E) - 1.0).abs() < 1e-15);
        assert_eq!(super::log(0.0), f64::NEG_INFINITY);
    }
}
