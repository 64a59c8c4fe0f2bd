//! The OpenAPI document of the JSON API (`GET /api/openapi.json`), generated from the handlers'
//! annotations and the shared types, so it cannot drift from what the server accepts.
use axum::Json;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "EcoManager CS",
        description = "Order confirmation for cash-on-delivery shops. Errors are `{\"code\", \"field\"}` with the \
                       code's HTTP status. Authenticate with the session cookie (`POST /api/auth/login`) or an API \
                       token (`Authorization: Bearer ecs_…`, created by an admin with `POST /api/tokens`). A token \
                       carries scopes: `orders:write` (post orders), `deliveries:write` (courier outcomes), \
                       `reports:read` (dashboard and rankings) or `full` (its user's whole role); anything else \
                       answers 403 `token_scope`. An expired token answers 401 `token_expired`."
    ),
    paths(
        super::health::health,
        super::health::ready,
        super::auth::login,
        super::auth::logout,
        super::auth::me,
        super::auth::change_password,
        super::auth::redeem_reset,
        super::users::list,
        super::users::create,
        super::users::change,
        super::users::issue_reset,
        super::tokens::create,
        super::tokens::list,
        super::tokens::revoke,
        super::orders::create,
        super::deliveries::record,
        super::orders::pending,
        super::orders::my_queue,
        super::orders::get,
        super::orders::confirm_attempt,
        super::orders::assign,
        super::orders::bulk_assign,
        super::imports::upload,
        super::imports::report,
        super::customers::card,
        super::customers::add_flag,
        super::customers::add_note,
        super::customers::undo_merge,
        super::customers::override_class,
        super::customers::distribution,
        super::customers::settings,
        super::customers::update_settings,
        super::statuses::config,
        super::statuses::create,
        super::statuses::update,
        super::statuses::delete,
        super::statuses::set_transitions,
        super::duplicates::detect,
        super::duplicates::queue,
        super::duplicates::decide,
        super::duplicates::accuracy,
        super::agents::auto_assign,
        super::agents::list,
        super::agents::get,
        super::agents::update,
        super::agents::presence,
        super::agents::performance,
        super::agents::attempts,
        super::agents::settings,
        super::agents::update_settings,
        super::jobs::list_jobs,
        super::jobs::run_job,
        super::messaging::preview,
        super::messaging::callback,
        super::dashboard::dashboard,
        super::dashboard::orders,
        super::dashboard::settings,
        super::dashboard::update_settings,
    ),
    modifiers(&Security),
    security(("session" = []), ("bearer" = []))
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(app::auth::SESSION_COOKIE))),
        );
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("ecs_…").build()),
        );
    }
}

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
