//! What keeps a start cheap. A create is one short process, and on the virtual machines
//! where CI and servers run, each shared library loaded costs more than orqex's own code
//! (tests/bench/PROFILE.md); build.rs links the unwinder in for the same reason.

/// glibc's libm would be loaded at every start for this one function, which indicatif calls
/// to smooth its rate estimate: 0.1 ms of a 1.6 ms create (mapping it, and its ifunc
/// resolvers). The `libm` crate, already linked for jq's math, computes the same function
/// (ARM's optimized-routines `pow`, which glibc 2.28 and later and musl also use); with the
/// symbol defined here, `--as-needed` drops libm.so.6.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[unsafe(no_mangle)]
pub extern "C" fn pow(x: f64, y: f64) -> f64 {
    libm::pow(x, y)
}

#[cfg(all(test, target_os = "linux", target_env = "gnu"))]
mod tests {
    #[test]
    fn pow_is_the_c_library_function() {
        assert_eq!(super::pow(2.0, 10.0), 1024.0);
        assert_eq!(super::pow(9.0, 0.5), 3.0);
        assert!(super::pow(-1.0, 0.5).is_nan());
        assert_eq!(super::pow(0.0, -1.0), f64::INFINITY);
    }
}
