//! The terminal's own settings while questions are open, and putting them back from wherever
//! the program ends: the questions' end, a signal handler, a panic.
//!
//! `restore` is safe to call from a signal handler: it takes no lock and allocates nothing,
//! only swaps a pointer and calls `tcsetattr`, which POSIX lists as async-signal-safe.

#[cfg(unix)]
mod imp {
    use std::os::fd::BorrowedFd;
    use std::ptr;
    use std::sync::atomic::{AtomicPtr, Ordering};

    use nix::sys::termios::{self, LocalFlags, SetArg, SpecialCharacterIndices, Termios};

    /// The settings found when the questions began; null when nothing is held.
    static SAVED: AtomicPtr<Termios> = AtomicPtr::new(ptr::null_mut());

    fn stdin() -> BorrowedFd<'static> {
        // Questions are only asked when stdin is a terminal, and fd 0 stays open for the
        // whole run. A raw descriptor keeps `restore` free of std's lazily built handles.
        unsafe { BorrowedFd::borrow_raw(0) }
    }

    /// Raw input on stdin: no echo, no line editing, no signal keys (Ctrl-C is read as a key).
    /// Output processing stays, so lines still end where they should. Failing leaves console's
    /// per-key raw mode, which works nearly as well.
    pub fn hold() {
        if !SAVED.load(Ordering::SeqCst).is_null() {
            return;
        }
        let Ok(original) = termios::tcgetattr(stdin()) else {
            return;
        };
        let mut raw = original.clone();
        raw.local_flags
            .remove(LocalFlags::ICANON | LocalFlags::ECHO | LocalFlags::ISIG | LocalFlags::IEXTEN);
        raw.control_chars[SpecialCharacterIndices::VMIN as usize] = 1;
        raw.control_chars[SpecialCharacterIndices::VTIME as usize] = 0;
        let saved = Box::into_raw(Box::new(original));
        if SAVED
            .compare_exchange(ptr::null_mut(), saved, Ordering::SeqCst, Ordering::SeqCst)
            .is_err()
        {
            // Someone else holds it already; ours was never published.
            drop(unsafe { Box::from_raw(saved) });
            return;
        }
        if termios::tcsetattr(stdin(), SetArg::TCSADRAIN, &raw).is_err() {
            release();
        }
    }

    /// Puts the terminal back as `hold` found it, if it is held. Safe from a signal handler;
    /// the settings are then left allocated, since the process is about to end.
    pub fn restore() {
        let saved = SAVED.swap(ptr::null_mut(), Ordering::SeqCst);
        if !saved.is_null() {
            // Only the caller that swapped the pointer out sees it.
            let _ = termios::tcsetattr(stdin(), SetArg::TCSANOW, unsafe { &*saved });
        }
    }

    /// `restore` from ordinary code, freeing the saved settings.
    pub fn release() {
        let saved = SAVED.swap(ptr::null_mut(), Ordering::SeqCst);
        if !saved.is_null() {
            let original = unsafe { Box::from_raw(saved) };
            let _ = termios::tcsetattr(stdin(), SetArg::TCSADRAIN, &original);
        }
    }
}

#[cfg(not(unix))]
mod imp {
    pub fn hold() {}
    pub fn restore() {}
    pub fn release() {}
}

pub use imp::{hold, release, restore};
