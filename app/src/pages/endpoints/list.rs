//! `/endpoints`: the table with search, sorting, page size and pagination, all in the URL query.

use std::time::Duration;

use leptos::{html, prelude::*};
use webhook_api::{Endpoint, EndpointSortField, Ordering};

use super::{DeleteEndpointDialog, EndpointTable};
use crate::{
    api,
    components::{
        pagination::{PageSizeSelect, Pagination},
        remote::{Remote, loaded},
        skeleton::TableSkeleton,
    },
    paging::PageInfo,
    query::ListQuery,
    router::use_location,
    routes,
};

/// The server's default order.
pub const DEFAULT_ORDERING: Ordering<EndpointSortField> = Ordering {
    field: EndpointSortField::CreatedAt,
    descending: true,
};

#[component]
pub fn EndpointList() -> impl IntoView {
    let location = use_location();
    let query = Memo::new(move |_| {
        location.with_query(|get| ListQuery::<EndpointSortField>::from_query(get))
    });
    let go = move |next: ListQuery<EndpointSortField>, replace: bool| {
        location.navigate(&routes::endpoints_with(&next), replace)
    };

    let page = Remote::new(move |client| {
        let query = query.get();
        async move { api::list_endpoints(&client, &query).await }
    });
    let to_delete = RwSignal::new(None::<Endpoint>);
    let on_deleted = move |deleted: Endpoint| {
        to_delete.set(None);
        // The last row of a later page: show the page before, which still has rows.
        let q = query.get_untracked();
        let previous = page.with_loaded_untracked(|p| {
            p.filter(|p| p.results.len() == 1 && p.results[0].id == deleted.id)
                .and_then(|p| PageInfo::of(p, q.offset, q.size).previous)
        });
        match previous {
            Some(offset) => go(q.with_offset(offset), true),
            None => page.reload(),
        }
    };

    view! {
        <section class="page" aria-labelledby="endpoints-title">
            <header class="page-header">
                <h1 id="endpoints-title">"Endpoints"</h1>
                <a href=routes::endpoint_new() class="button primary">
                    "New endpoint"
                </a>
            </header>
            <div class="toolbar">
                <SearchBox
                    value=Signal::derive(move || query.with(|q| q.search.clone()))
                    on_search=Callback::new(move |text: String| {
                        // The first keystrokes of a search add a history entry; refining it replaces that entry.
                        let current = query.get_untracked();
                        go(current.with_search(&text), !current.search.is_empty())
                    })
                />
                <PageSizeSelect
                    size=Signal::derive(move || query.with(|q| q.size))
                    on_change=Callback::new(move |size| go(query.get_untracked().with_size(size), false))
                />
            </div>
            {loaded(
                page,
                "Could not load the endpoints",
                || view! { <TableSkeleton rows=6 columns=5 /> }.into_any(),
                move |data| {
                    let q = query.get_untracked();
                    view! { <EndpointPage data query=q to_delete /> }.into_any()
                },
            )}
            <Show when=move || to_delete.with(Option::is_some)>
                <DeleteEndpointDialog
                    endpoint=to_delete.get_untracked().expect("shown only with an endpoint")
                    on_close=Callback::new(move |()| to_delete.set(None))
                    on_deleted=Callback::new(on_deleted)
                />
            </Show>
        </section>
    }
}

/// One loaded page: the table and pagination, or the empty state.
#[component]
fn EndpointPage(
    data: webhook_api::Page<Endpoint>,
    query: ListQuery<EndpointSortField>,
    to_delete: RwSignal<Option<Endpoint>>,
) -> impl IntoView {
    let info = PageInfo::of(&data, query.offset, query.size);
    if data.count == 0 && query.search.is_empty() {
        return view! {
            <div class="empty-state">
                <h2>"No endpoints yet"</h2>
                <p>"An endpoint is a URL of yours that receives the community's events as they happen."</p>
                <a href=routes::endpoint_new() class="button primary">"Create the first endpoint"</a>
            </div>
        }
        .into_any();
    }
    if data.count == 0 {
        return view! {
            <div class="empty-state">
                <h2>"No match"</h2>
                <p>{format!("No endpoint's target contains “{}”.", query.search)}</p>
                <a href=routes::endpoints_with(&query.with_search("")) class="button">"Clear the search"</a>
            </div>
        }
        .into_any();
    }
    if data.results.is_empty() {
        let last = query.with_offset(info.last_page_offset());
        return view! {
            <div class="empty-state">
                <h2>"Past the last page"</h2>
                <a href=routes::endpoints_with(&last) class="button">"Go to the last page"</a>
            </div>
        }
        .into_any();
    }
    let href_query = query.clone();
    view! {
        <EndpointTable
            endpoints=data.results
            query=query
            on_delete=Callback::new(move |endpoint| to_delete.set(Some(endpoint)))
        />
        <Pagination
            info
            noun="endpoints"
            href=Callback::new(move |offset| routes::endpoints_with(&href_query.with_offset(offset)))
        />
    }
    .into_any()
}

/// Search by target, applied as you type (after a short pause) and on Enter.
#[component]
fn SearchBox(#[prop(into)] value: Signal<String>, on_search: Callback<String>) -> impl IntoView {
    let input = NodeRef::<html::Input>::new();
    let pending = StoredValue::new_local(None::<TimeoutHandle>);
    // Follows the URL (back/forward, "clear the search"), but never while the admin is typing in it.
    Effect::new(move |_| {
        let value = value.get();
        if let Some(input) = input.get()
            && document().active_element().as_ref() != Some(input.as_ref())
        {
            input.set_value(&value);
        }
    });
    let search_now = move || {
        if let Some(handle) = pending.get_value() {
            handle.clear();
        }
        if let Some(input) = input.get_untracked() {
            on_search.run(input.value());
        }
    };
    view! {
        <form
            class="search"
            role="search"
            on:submit=move |ev| {
                ev.prevent_default();
                search_now();
            }
        >
            <label for="endpoint-search">"Search by target"</label>
            <input
                id="endpoint-search"
                node_ref=input
                type="search"
                placeholder="hooks.example.com"
                autocomplete="off"
                spellcheck="false"
                prop:value=value.get_untracked()
                on:input=move |_| {
                    if let Some(handle) = pending.get_value() {
                        handle.clear();
                    }
                    let handle = set_timeout_with_handle(search_now, Duration::from_millis(300)).ok();
                    pending.set_value(handle);
                }
            />
        </form>
    }
}
