//! The site's pages: the lesson list, a lesson, and "not found".

mod home;
mod lesson;
mod not_found;

pub use home::Home;
pub use lesson::LessonPage;
pub use not_found::NotFound;
