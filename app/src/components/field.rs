//! Form fields: a label tied to its control, an optional hint, one shape for every form.
use leptos::prelude::*;

/// A labelled form control: `children` is the control itself and must carry `id=for_id`.
/// `inline` lays label and control on one line (short numbers, times).
#[component]
pub fn Field(
    /// The id of the control inside, which the label points at.
    #[prop(into)]
    for_id: String,
    /// The label's (translated) text.
    #[prop(into)]
    label: ViewFn,
    /// A (translated) hint under the control.
    #[prop(optional, into)]
    hint: Option<ViewFn>,
    #[prop(optional)] inline: bool,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="field" class:inline=inline>
            <label for=for_id>{label.run()}</label>
            {children()}
            {hint.map(|hint| view! { <p class="hint">{hint.run()}</p> })}
        </div>
    }
}
