//! Random bytes for idempotency keys, retry jitter and test events. ring already reads the
//! operating system's generator for TLS, so asking it here links no second `getrandom`.

use ring::rand::{SecureRandom, SystemRandom};

/// Fills `bytes` from the operating system's generator; fails only where the OS has none.
pub fn fill(bytes: &mut [u8]) -> Result<(), String> {
    SystemRandom::new()
        .fill(bytes)
        .map_err(|_| "the operating system's random generator failed".to_string())
}

/// A random u64, or None where the OS has no generator.
pub fn u64() -> Option<u64> {
    let mut bytes = [0u8; 8];
    fill(&mut bytes).ok()?;
    Some(u64::from_le_bytes(bytes))
}

#[cfg(test)]
mod tests {
    #[test]
    fn two_draws_differ() {
        let (a, b) = (super::u64(), super::u64());
        assert!(a.is_some() && b.is_some());
        assert_ne!(a, b);
        let mut bytes = [0u8; 32];
        super::fill(&mut bytes).expect("random bytes");
        assert_ne!(bytes, [0u8; 32]);
    }
}
