//! The site's pages: the lesson list, a lesson, the sandbox, and "not found".

mod home;
mod lesson;
mod not_found;
mod sandbox;

pub use home::Home;
pub use lesson::LessonPage;
pub use not_found::NotFound;
pub use sandbox::Sandbox;
