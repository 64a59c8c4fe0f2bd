//! The root component: i18n (sets `<html lang dir>`), meta tags, the router and the logged-in
//! layout. `shell` is the HTML document the server streams.
use leptos::config::LeptosOptions;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{Outlet, ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::path;

use crate::agents::ui::{AgentEditPage, AgentsPage, MyProfilePage, RankingsPage, RoutingSettingsForm};
use crate::auth::api::get_me;
use crate::auth::ui::{AccountPage, HomePage, LoginPage, ResetPasswordPage, TokensPage, UsersPage};
use crate::components::session::Me;
use crate::components::ErrorAlert;
use crate::customers::ui::CustomerPage;
use crate::dashboard::ui::{DashboardPage, DrillDownPage, MyFigures};
use crate::duplicates::ui::DuplicatesPage;
use crate::error::{AppError, ErrorCode};
use crate::i18n::*;
use crate::imports::ui::{ImportReportPage, ImportsPage};
use crate::jobs::ui::JobsPage;
use crate::layout::Header;
use crate::locale::LOCALE_COOKIE;
use crate::messaging::ui::outbox::OutboxPageView;
use crate::messaging::ui::MessageTemplatesPage;
use crate::orders::ui::{OrderPage, OrdersPage, QueuePage};
use crate::statuses::ui::StatusesPage;

/// The HTML document around the app. `<html lang dir>` is set by the i18n provider.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" href="/favicon.ico"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let me = Resource::new_blocking(|| (), |_| get_me());
    provide_context(Me(me));
    let cookie_options =
        CookieOptions::default().path("/").max_age(365 * 24 * 3600 * 1000_i64).same_site(leptos_use::SameSite::Lax);
    view! {
        <I18nContextProvider cookie_name=LOCALE_COOKIE cookie_options=cookie_options>
            <Stylesheet id="leptos" href="/pkg/ecomanager-cs.css"/>
            <Title text="EcoManager CS"/>
            <Router>
                <Routes fallback=|| view! { <NotFound/> }>
                    <Route path=path!("/login") view=LoginPage/>
                    <Route path=path!("/reset-password") view=ResetPasswordPage/>
                    <ParentRoute path=path!("") view=LoggedInLayout>
                        <Route path=path!("") view=Landing/>
                        <Route path=path!("dashboard") view=DashboardPage/>
                        <Route path=path!("dashboard/orders") view=DrillDownPage/>
                        <Route path=path!("queue") view=|| view! { <MyFigures/><QueuePage/> }/>
                        <Route path=path!("orders") view=OrdersPage/>
                        <Route path=path!("orders/:id") view=OrderPage/>
                        <Route path=path!("customers/:id") view=CustomerPage/>
                        <Route path=path!("imports") view=ImportsPage/>
                        <Route path=path!("imports/:id") view=ImportReportPage/>
                        <Route path=path!("admin/users") view=UsersPage/>
                        <Route path=path!("admin/tokens") view=TokensPage/>
                        <Route path=path!("account") view=AccountPage/>
                        <Route path=path!("admin/statuses") view=StatusesPage/>
                        <Route path=path!("admin/messages") view=MessageTemplatesPage/>
                        <Route path=path!("messages") view=OutboxPageView/>
                        <Route path=path!("admin/jobs") view=|| view! { <JobsPage><RoutingSettingsForm/></JobsPage> }/>
                        <Route path=path!("agents") view=AgentsPage/>
                        <Route path=path!("duplicates") view=DuplicatesPage/>
                        <Route path=path!("profile") view=MyProfilePage/>
                        <Route path=path!("agents/rankings") view=RankingsPage/>
                        <Route path=path!("agents/:id") view=AgentEditPage/>
                    </ParentRoute>
                </Routes>
            </Router>
        </I18nContextProvider>
    }
}

type CookieOptions = leptos_i18n::context::CookieOptions<Locale>;

/// Everything behind the login: the header and the page. Visitors are sent to `/login`.
#[component]
fn LoggedInLayout() -> impl IntoView {
    let i18n = use_i18n();
    let me = use_context::<Me>().map(|Me(r)| r);
    crate::components::live::provide_live();
    view! {
        <Suspense fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                let result = match me {
                    Some(me) => me.await,
                    None => Err(AppError::new(ErrorCode::Internal)),
                };
                match result {
                    Ok(Some(user)) => {
                        view! {
                            <Header user=user/>
                            <main id="main">
                                <Outlet/>
                            </main>
                        }
                            .into_any()
                    }
                    Ok(None) => view! { <Redirect path="/login"/> }.into_any(),
                    Err(e) if e.code == ErrorCode::Unauthenticated => {
                        view! { <Redirect path="/login"/> }.into_any()
                    }
                    Err(e) => {
                        view! {
                            <main id="main">
                                <ErrorAlert error=Signal::stored(Some(e))/>
                            </main>
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// Supervisors and admins land on the dashboard; agents on the welcome and their own figures.
#[component]
fn Landing() -> impl IntoView {
    let user = crate::components::session::use_current_user();
    move || {
        if user.get().is_some_and(|u| u.role.at_least(crate::auth::Role::Supervisor)) {
            view! { <DashboardPage/> }.into_any()
        } else {
            view! { <HomePage/><MyFigures/> }.into_any()
        }
    }
}

#[component]
fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    #[cfg(feature = "ssr")]
    if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
        options.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <main id="main" class="card">
            <h1>{t!(i18n, common.not_found)}</h1>
            <a href="/">{t!(i18n, common.back_home)}</a>
        </main>
    }
}
