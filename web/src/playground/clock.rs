//! Simulated time against the wall clock: the speed (a log scale from 1/1000 to 1000 times
//! real time), how much simulated time a frame covers, and the animation-frame loop that runs
//! only while playing. Paused, nothing is scheduled: no timer, no animation frame.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use leptos::prelude::{request_animation_frame_with_handle, AnimationFrameRequestHandle};

/// The speed slider's range, in tenths of a power of ten: -30 is 1/1000, 30 is 1000 times.
pub const SPEED_MIN: i32 = -30;
pub const SPEED_MAX: i32 = 30;
/// Slow enough to see a request travel (2 ms of latency take 100 ms).
pub const DEFAULT_SPEED: i32 = -17;
/// A frame never covers more wall time than this (after a stall or a hidden tab).
const MAX_FRAME_WALL_MS: f64 = 100.0;
/// Simulation work per frame stops after this many ms, so a frame stays smooth: at full speed
/// the simulation takes all of it, and drawing the frame takes about as much again. With
/// 5 ms, a plain frame of the largest preset took about 10 ms of the main thread; with 3 ms,
/// about 7 ms. The price: at full speed that preset runs about 10 s of cluster time per second
/// instead of about 20 (measured side by side in headless Chromium).
pub const FRAME_BUDGET_MS: f64 = 3.0;

/// Simulated ms per wall ms at a slider position.
pub fn speed(step: i32) -> f64 {
    10f64.powf(f64::from(step.clamp(SPEED_MIN, SPEED_MAX)) / 10.0)
}

/// The speed in words: `×0.02: 1 s of cluster time takes 50 s`.
pub fn speed_label(step: i32) -> String {
    let factor = speed(step);
    let shown = if factor >= 10.0 {
        format!("{factor:.0}")
    } else if factor >= 1.0 {
        format!("{factor:.1}")
    } else {
        let digits = (-factor.log10()).ceil() as usize + 1;
        format!("{factor:.digits$}")
    };
    if factor < 1.0 {
        format!("×{shown}: 1 s of cluster time takes {:.0} s", 1.0 / factor)
    } else {
        format!("×{shown}: {shown} s of cluster time per second")
    }
}

/// Turns wall time into whole simulated ms, carrying the fraction to the next frame.
#[derive(Debug, Clone, Copy, Default)]
pub struct Pacer {
    carry: f64,
}

impl Pacer {
    /// The simulated ms a frame of `wall_ms` covers at `speed_step`.
    pub fn simulated_ms(&mut self, wall_ms: f64, speed_step: i32) -> i64 {
        let wall = wall_ms.clamp(0.0, MAX_FRAME_WALL_MS);
        let total = wall * speed(speed_step) + self.carry;
        let whole = total.floor();
        self.carry = total - whole;
        whole as i64
    }

    /// The fraction of a simulated ms carried to the next frame (for smooth animation).
    pub fn fraction(&self) -> f64 {
        self.carry
    }
}

/// The animation-frame loop: calls `on_frame(wall ms since the last frame)` each frame while
/// it returns true. Stopping cancels the pending frame, so nothing stays scheduled.
#[derive(Clone)]
pub struct FrameLoop {
    inner: Rc<Inner>,
}

struct Inner {
    handle: RefCell<Option<AnimationFrameRequestHandle>>,
    last_ms: Cell<Option<f64>>,
    on_frame: Box<dyn Fn(f64) -> bool>,
}

impl FrameLoop {
    /// A stopped loop around `on_frame`.
    pub fn new(on_frame: impl Fn(f64) -> bool + 'static) -> FrameLoop {
        FrameLoop {
            inner: Rc::new(Inner {
                handle: RefCell::new(None),
                last_ms: Cell::new(None),
                on_frame: Box::new(on_frame),
            }),
        }
    }

    /// Starts the loop unless it runs.
    pub fn start(&self) {
        if self.inner.handle.borrow().is_none() {
            schedule(Rc::clone(&self.inner));
        }
    }

    /// Stops the loop: the pending frame is cancelled.
    pub fn stop(&self) {
        if let Some(handle) = self.inner.handle.borrow_mut().take() {
            handle.cancel();
        }
        self.inner.last_ms.set(None);
    }

    pub fn is_running(&self) -> bool {
        self.inner.handle.borrow().is_some()
    }
}

fn schedule(inner: Rc<Inner>) {
    let next = Rc::clone(&inner);
    let handle = request_animation_frame_with_handle(move || {
        next.handle.borrow_mut().take();
        let now = now_ms();
        let elapsed = next
            .last_ms
            .replace(Some(now))
            .map_or(16.0, |last| now - last);
        if (next.on_frame)(elapsed) {
            schedule(next);
        } else {
            next.last_ms.set(None);
        }
    });
    *inner.handle.borrow_mut() = handle.ok();
}

/// `performance.now()`, or 0 where there is none.
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|window| window.performance())
        .map_or(0.0, |performance| performance.now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_speed_scale_is_logarithmic() {
        assert!((speed(0) - 1.0).abs() < 1e-9);
        assert!((speed(SPEED_MIN) - 0.001).abs() < 1e-9);
        assert!((speed(SPEED_MAX) - 1000.0).abs() < 1e-6);
        assert!((speed(10) - 10.0).abs() < 1e-9);
        assert_eq!(speed(99), speed(SPEED_MAX));
    }

    #[test]
    fn the_speed_reads_as_time() {
        assert_eq!(speed_label(-17), "×0.020: 1 s of cluster time takes 50 s");
        assert_eq!(speed_label(10), "×10: 10 s of cluster time per second");
    }

    #[test]
    fn fractions_of_a_simulated_ms_carry_over() {
        let mut pacer = Pacer::default();
        let total: i64 = (0..100).map(|_| pacer.simulated_ms(16.0, -17)).sum();
        // 100 frames of 16 ms at ×0.01995 are 31.9 simulated ms.
        assert_eq!(total, 31);
        assert_eq!(Pacer::default().simulated_ms(10_000.0, 0), 100);
    }
}
