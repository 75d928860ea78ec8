//! The built app at `/`: files from `--static-dir`, and `index.html` for any other path, so that the
//! app's own routes (`/endpoints/7`) load on reload.

use std::path::Path;

use tower_http::services::{ServeDir, ServeFile};

pub fn service(dir: &Path) -> ServeDir<tower_http::set_status::SetStatus<ServeFile>> {
    ServeDir::new(dir).not_found_service(ServeFile::new(dir.join("index.html")))
}
