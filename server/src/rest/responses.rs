//! The error responses most operations share, documented once for the OpenAPI. Each body is an
//! `AppError` (`{"code": ..., "field": ...}`); a handler lists the ones it can answer.

// Documentation types only: utoipa reads them, nothing builds them.
#![allow(dead_code)]

use app::error::AppError;
use utoipa::IntoResponses;

/// 401 and 403: the door needs a login (session or token) and a role.
#[derive(IntoResponses)]
pub enum Denied {
    #[response(status = 401, description = "Not logged in or bad token")]
    Unauthenticated(AppError),
    #[response(status = 403, description = "Role not allowed")]
    Forbidden(AppError),
}

/// 401 alone, for operations whose 403 says something more specific.
#[derive(IntoResponses)]
#[response(status = 401, description = "Not logged in or bad token")]
pub struct Unauthenticated(AppError);

/// 404: the id in the path names nothing.
#[derive(IntoResponses)]
#[response(status = 404, description = "Not found")]
pub struct NotFound(AppError);

/// 422: the input was refused, with the code and the field.
#[derive(IntoResponses)]
#[response(status = 422, description = "Invalid input (code and field)")]
pub struct Invalid(AppError);
