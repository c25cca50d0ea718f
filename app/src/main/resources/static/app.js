"use strict";
(function () {
  const POLL_MS = 5000;
  const CLUSTERS_MS = 10000;
  const STREAM_RETRY_MS = 15000;
  const OFFLINE_AFTER_MS = 8000;
  const TOKEN_KEY = "podtally.adminToken";

  const STATE_HELP = {
    fresh: "Counted recently: the counts are served as they are.",
    stale: "Older than the fresh limit: served while one background refresh runs.",
    expired: "Older than the stale limit: the last known counts are shown while a refresh runs.",
    loading: "No counts yet: podtally is counting in the background. Nodes show \u201ccounting\u2026\u201d, never 0.",
    partial: "The last count did not reach every node: counts are lower bounds (\u2265 n) until a full count.",
    unavailable: "The pod-count store cannot be reached: counts may be missing or old."
  };
  // Each column's sort key in the API; the age column sorts by creation time, the other way round.
  const SORT_KEYS = { name: "name", status: "status", roles: "roles", pods: "pod_count", cpu: "cpu",
    memory: "memory", age: "created_at" };

  const $ = (id) => document.getElementById(id);
  const el = {
    clusters: $("clusters"), badge: $("badge"), age: $("age"), live: $("live"), sources: $("sources"),
    refresh: $("refresh"), adminResult: $("admin-result"), announce: $("announce"), error: $("error"),
    name: $("f-name"), status: $("f-status"), role: $("f-role"), label: $("f-label"), taint: $("f-taint"),
    clear: $("clear"), roles: $("roles"), caption: $("caption"), rows: $("rows"),
    first: $("first"), prev: $("prev"), next: $("next"), last: $("last"), pageInfo: $("page-info"),
    pageSize: $("page-size"), totals: $("totals"), detail: $("detail"), detailTitle: $("detail-title"),
    detailBody: $("detail-body"), detailClose: $("detail-close"), tokenDialog: $("token-dialog"),
    tokenInput: $("token-input"), rejected: $("rejected"),
    rejectedSummary: $("rejected-summary"), rejectedList: $("rejected-list")
  };

  const view = { cluster: "", name: "", status: "", role: "", label: "", taint: "", sort: "name", order: "asc",
    page: 1, pageSize: 100 };
  let features = { admin: false, events: true, max_page_size: 5000 };
  let clusters = [];
  let answer = null;
  let etag = null;
  let etagUrl = null;
  let standInTimer = null;
  const STAND_IN_RETRY_MS = 250;
  let receivedAt = 0;
  let lastState = null;
  let loading = false;
  let again = false;
  let pollTimer = null;
  let stream = null;
  let streamRetry = null;
  let offlineTimer = null;
  let detailNode = null;
  let detailOpener = null;
  const rows = new Map();
  const knownRoles = new Set();

  function readUrl() {
    const q = new URLSearchParams(location.search);
    view.cluster = q.get("cluster") || "";
    view.name = q.get("name") || "";
    view.status = q.get("status") || "";
    view.role = q.get("role") || "";
    view.label = q.get("label") || "";
    view.taint = q.get("taint") || "";
    view.sort = SORT_KEYS[q.get("sort")] ? q.get("sort") : "name";
    view.order = q.get("order") === "desc" ? "desc" : "asc";
    view.page = Math.max(1, parseInt(q.get("page"), 10) || 1);
    view.pageSize = Math.max(1, parseInt(q.get("page_size"), 10) || 100);
    el.name.value = view.name;
    el.status.value = view.status;
    el.role.value = view.role;
    el.label.value = view.label;
    el.taint.value = view.taint;
    if (![...el.pageSize.options].some((o) => o.value === String(view.pageSize))) {
      el.pageSize.append(new Option(String(view.pageSize)));
    }
    el.pageSize.value = String(view.pageSize);
  }

  function writeUrl(push) {
    const q = new URLSearchParams();
    if (view.cluster) q.set("cluster", view.cluster);
    for (const key of ["name", "status", "role", "label", "taint"]) {
      if (view[key]) q.set(key, view[key]);
    }
    if (view.sort !== "name") q.set("sort", view.sort);
    if (view.order !== "asc") q.set("order", view.order);
    if (view.page !== 1) q.set("page", String(view.page));
    if (view.pageSize !== 100) q.set("page_size", String(view.pageSize));
    const url = location.pathname + (q.toString() ? "?" + q : "");
    if (url !== location.pathname + location.search) {
      history[push ? "pushState" : "replaceState"](null, "", url);
    }
  }

  // key[=value] and, for taints, key[=value][:effect], as the API's parameters.
  function keyValue(text, prefix, withEffect) {
    const params = {};
    let rest = text.trim();
    if (!rest) return params;
    if (withEffect) {
      const colon = rest.lastIndexOf(":");
      if (colon > 0) {
        params[prefix + "_effect"] = rest.slice(colon + 1);
        rest = rest.slice(0, colon);
      }
    }
    const eq = rest.indexOf("=");
    params[prefix + "_key"] = eq < 0 ? rest : rest.slice(0, eq);
    if (eq >= 0) params[prefix + "_value"] = rest.slice(eq + 1);
    return params;
  }

  function apiOrder() {
    return view.sort === "age" ? (view.order === "asc" ? "desc" : "asc") : view.order;
  }

  function listUrl() {
    const q = new URLSearchParams({ cluster_name: view.cluster, page: String(view.page),
      page_size: String(view.pageSize), sort_by: SORT_KEYS[view.sort], order: apiOrder() });
    if (view.name) q.set("name", view.name.trim());
    if (view.status) q.set("status", view.status);
    if (view.role) q.set("role", view.role.trim());
    Object.entries(keyValue(view.label, "label", false)).forEach(([k, v]) => q.set(k, v));
    Object.entries(keyValue(view.taint, "taint", true)).forEach(([k, v]) => q.set(k, v));
    return "api/v1/nodes?" + q;
  }

  const SUFFIX = { n: 1e-9, u: 1e-6, m: 1e-3, "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12,
    Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };

  function quantity(q) {
    const m = /^([0-9.]+)(n|u|m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(q || "");
    return m ? parseFloat(m[1]) * SUFFIX[m[2] || ""] : null;
  }

  function cores(v) {
    return v === null ? "?" : (v < 10 ? v.toFixed(2) : v.toFixed(1));
  }

  function gib(v) {
    return v === null ? "?" : (v / 1024 ** 3).toFixed(1);
  }

  function number(n) {
    return Number(n).toLocaleString("en-US");
  }

  function seconds(s) {
    if (s < 90) return s + " s";
    if (s < 5400) return Math.round(s / 60) + " min";
    return Math.round(s / 3600) + " h";
  }

  // An unknown count is being counted, except while the store cannot be reached: then nothing counts it.
  function podsText(node, state) {
    const allocatable = node.allocatable && node.allocatable.pods;
    if (node.pod_count === null || node.pod_count === undefined) {
      return { text: state === "unavailable" ? "unknown" : "counting\u2026", share: null, unknown: true };
    }
    const used = (state === "partial" ? "\u2265 " : "") + node.pod_count;
    return { text: allocatable ? used + " / " + allocatable : used,
      share: allocatable ? node.pod_count / quantity(allocatable) : null };
  }

  function usageText(used, allocatable, format, unit) {
    if (!used) return "\u2013";
    return format(quantity(used)) + " / " + format(quantity(allocatable)) + (unit ? " " + unit : "");
  }

  // Each cell as its text (what is compared to highlight a change) and a function that fills it.
  function cellsOf(node, state) {
    const pods = podsText(node, state);
    return {
      name: { text: node.name, fill: (td) => {
        const b = document.createElement("button");
        b.type = "button";
        b.className = "node";
        b.textContent = node.name;
        b.addEventListener("click", () => openDetail(node.name, b));
        td.replaceChildren(b);
      } },
      status: { text: node.status + (node.schedulable ? "" : "|cordoned"), fill: (td) => {
        td.textContent = node.status === "Ready" ? "Ready" : "Not ready";
        if (!node.schedulable) {
          const tag = document.createElement("span");
          tag.className = "tag";
          tag.textContent = "cordoned";
          tag.title = "Unschedulable: no new pods are placed on this node";
          td.append(tag);
        }
      } },
      roles: { text: node.roles.join(", ") || "<none>", fill: (td, text) => {
        td.textContent = text;
        td.classList.toggle("muted", node.roles.length === 0);
      } },
      pods: { text: pods.text, fill: (td) => {
        if (pods.unknown) {
          td.innerHTML = "";
          const s = document.createElement("span");
          s.className = "counting";
          s.textContent = pods.text;
          td.append(s);
          return;
        }
        const wrap = document.createElement("span");
        wrap.className = "pods";
        const count = document.createElement("span");
        count.textContent = pods.text;
        wrap.append(count);
        if (pods.share !== null) {
          const bar = document.createElement("span");
          bar.className = "bar" + (pods.share >= 1 ? " full" : pods.share >= 0.8 ? " high" : "");
          bar.setAttribute("aria-hidden", "true");
          const fillBar = document.createElement("span");
          fillBar.style.width = Math.min(100, Math.round(pods.share * 100)) + "%";
          bar.append(fillBar);
          wrap.append(bar);
        }
        td.replaceChildren(wrap);
      } },
      cpu: { text: usageText(node.usage && node.usage.cpu, node.allocatable.cpu, cores, ""),
        fill: (td, text) => { td.textContent = text; } },
      memory: { text: usageText(node.usage && node.usage.memory, node.allocatable.memory, gib, "GiB"),
        fill: (td, text) => { td.textContent = text; } },
      age: { text: node.age || "", fill: (td, text) => { td.textContent = text; td.title = node.created_at || ""; } },
      version: { text: node.version || "", fill: (td, text) => { td.textContent = text; } },
      ip: { text: node.internal_ip || "", fill: (td, text) => { td.textContent = text; } }
    };
  }

  const NUMERIC = new Set(["pods", "cpu", "memory"]);

  function renderRows(data, state, highlight) {
    const seen = new Set();
    let previous = null;
    for (const node of data) {
      seen.add(node.name);
      node.roles.forEach((r) => knownRoles.add(r));
      let row = rows.get(node.name);
      const fresh = !row;
      if (fresh) {
        const tr = document.createElement("tr");
        tr.dataset.node = node.name;
        row = { tr: tr, cells: {}, texts: {} };
        rows.set(node.name, row);
      }
      const cells = cellsOf(node, state);
      for (const [col, cell] of Object.entries(cells)) {
        let td = row.cells[col];
        if (!td) {
          td = document.createElement("td");
          td.dataset.col = col;
          if (NUMERIC.has(col)) td.className = "num";
          row.cells[col] = td;
          row.tr.append(td);
        }
        if (row.texts[col] !== cell.text) {
          cell.fill(td, cell.text);
          if (!fresh && highlight) {
            td.classList.remove("changed");
            void td.offsetWidth;
            td.classList.add("changed");
          }
          row.texts[col] = cell.text;
        }
      }
      row.tr.classList.toggle("notready", node.status !== "Ready");
      row.tr.classList.toggle("cordoned", !node.schedulable);
      const expected = previous ? previous.nextSibling : el.rows.firstChild;
      if (expected !== row.tr) el.rows.insertBefore(row.tr, expected);
      previous = row.tr;
    }
    for (const [name, row] of rows) {
      if (!seen.has(name)) {
        row.tr.remove();
        rows.delete(name);
      }
    }
    const empty = el.rows.querySelector("tr.empty");
    if (data.length === 0 && !empty) {
      const tr = document.createElement("tr");
      tr.className = "empty";
      const td = document.createElement("td");
      td.colSpan = 9;
      td.textContent = "No node matches.";
      tr.append(td);
      el.rows.append(tr);
    } else if (data.length > 0 && empty) {
      empty.remove();
    }
    el.roles.replaceChildren(...[...knownRoles].sort().map((r) => new Option(r)));
  }

  function clearRows() {
    rows.clear();
    el.rows.replaceChildren();
  }

  function renderState() {
    if (!answer) return;
    const counts = answer.pod_counts;
    el.badge.textContent = counts.state;
    el.badge.dataset.state = counts.state;
    el.badge.title = (STATE_HELP[counts.state] || counts.state) + failureNote(counts);
    if (lastState !== counts.state) {
      el.announce.textContent = "Pod counts of " + view.cluster + ": " + counts.state;
      lastState = counts.state;
    }
    renderAge();
    const parts = [];
    if (answer.informer && answer.informer.state !== "synced") {
      parts.push("nodes " + answer.informer.state + (answer.informer.last_error ? ": " + answer.informer.last_error : ""));
    }
    if (answer.metrics && answer.metrics.state !== "available") parts.push("metrics " + answer.metrics.state);
    if (counts.last_failure && counts.state !== "fresh") parts.push("last refresh: " + counts.last_failure.category);
    el.sources.textContent = parts.join(" \u00b7 ");
  }

  /** Why the counts may be old: the last failed or partial refresh, as every replica records it. */
  function failureNote(counts) {
    const failure = counts && counts.last_failure;
    return failure ? " Last refresh failed (" + failure.category + ") at " + failure.at + "." : "";
  }

  function renderAge() {
    if (!answer) return;
    const counts = answer.pod_counts;
    if (counts.source === "informer" && counts.state === "fresh") {
      el.age.textContent = "live";
    } else if (counts.age_seconds === null || counts.age_seconds === undefined) {
      el.age.textContent = counts.state === "loading" ? "counting\u2026" : "";
    } else {
      const age = counts.age_seconds + Math.max(0, Math.round((Date.now() - receivedAt) / 1000));
      el.age.textContent = "counted " + seconds(age) + " ago";
    }
  }

  function renderPager() {
    if (!answer) return;
    const total = answer.total || 0;
    const pages = Math.max(1, answer.total_pages || 1);
    const from = total === 0 ? 0 : (answer.page - 1) * answer.page_size + 1;
    const to = Math.min(total, answer.page * answer.page_size);
    el.pageInfo.textContent = "Page " + answer.page + " of " + pages;
    el.totals.textContent = number(from) + "\u2013" + number(to) + " of " + number(total) + " nodes"
      + (total !== answer.informer.node_count ? " (" + number(answer.informer.node_count) + " in the cluster)" : "");
    el.caption.textContent = "Nodes of " + view.cluster + ", sorted by " + view.sort + " "
      + (view.order === "asc" ? "ascending" : "descending") + ", " + el.totals.textContent;
    el.first.disabled = el.prev.disabled = answer.page <= 1;
    el.next.disabled = el.last.disabled = answer.page >= pages;
  }

  function renderSort() {
    document.querySelectorAll("th[data-sort]").forEach((th) => {
      if (th.dataset.sort === view.sort) {
        th.setAttribute("aria-sort", view.order === "asc" ? "ascending" : "descending");
      } else {
        th.removeAttribute("aria-sort");
      }
    });
  }

  function showError(text) {
    el.error.textContent = text || "";
  }

  async function load(highlight) {
    if (!view.cluster) return;
    if (loading) {
      again = true;
      return;
    }
    loading = true;
    const cluster = view.cluster;
    const url = listUrl();
    try {
      const headers = etag && etagUrl === url ? { "If-None-Match": etag } : {};
      const res = await fetch(url, { headers: headers, cache: "no-store" });
      if (res.headers.get("X-Podtally-Stand-In")) {
        // the previous answer, served while the one with the change is built: ask again in a moment
        clearTimeout(standInTimer);
        standInTimer = setTimeout(() => load(highlight), STAND_IN_RETRY_MS);
      }
      if (cluster !== view.cluster || url !== listUrl()) {
        again = true;
      } else if (res.status === 200) {
        const body = await res.json();
        if (etagUrl !== url) highlight = false;
        etag = res.headers.get("ETag");
        etagUrl = url;
        answer = body;
        receivedAt = Date.now();
        if (answer.total_pages && view.page > answer.total_pages) {
          view.page = answer.total_pages;
          writeUrl(false);
          again = true;
        }
        showError("");
        renderRows(answer.data, answer.pod_counts.state, highlight);
        renderState();
        renderPager();
        updateClusterEntry();
        if (detailNode) loadDetail(detailNode);
      } else if (res.status !== 304) {
        const body = await res.json().catch(() => ({ message: res.statusText }));
        showError(body.message || res.status + "");
        if (res.status === 503) {
          const after = parseInt(res.headers.get("Retry-After"), 10) || 5;
          setTimeout(() => load(false), after * 1000);
        }
      }
    } catch (e) {
      showError("podtally is not reachable");
      setLive("offline", "offline");
    } finally {
      loading = false;
    }
    if (again) {
      again = false;
      load(highlight);
    }
  }

  function setLive(state, text) {
    el.live.dataset.live = state;
    el.live.textContent = text;
  }

  function startPolling() {
    if (pollTimer) return;
    pollTimer = setInterval(() => load(true), POLL_MS);
  }

  function stopPolling() {
    clearInterval(pollTimer);
    pollTimer = null;
  }

  function closeStream() {
    if (stream) stream.close();
    stream = null;
    clearTimeout(streamRetry);
    clearTimeout(offlineTimer);
  }

  function openStream() {
    closeStream();
    if (!view.cluster) return;
    if (!window.EventSource || !features.events) {
      setLive("offline", "polling every " + POLL_MS / 1000 + " s");
      startPolling();
      return;
    }
    setLive("connecting", "connecting\u2026");
    const source = new EventSource("api/v1/events?cluster_name=" + encodeURIComponent(view.cluster));
    stream = source;
    const onEvent = () => load(true);
    ["state", "change", "reset"].forEach((type) => source.addEventListener(type, onEvent));
    source.onopen = () => {
      clearTimeout(offlineTimer);
      offlineTimer = null;
      stopPolling();
      setLive("live", "live");
    };
    source.onerror = () => {
      if (stream !== source) return;
      if (source.readyState === EventSource.CLOSED) {
        setLive("offline", "offline \u2014 polling every " + POLL_MS / 1000 + " s");
        startPolling();
        streamRetry = setTimeout(openStream, STREAM_RETRY_MS);
        return;
      }
      setLive("reconnecting", "reconnecting\u2026");
      if (!offlineTimer) {
        offlineTimer = setTimeout(() => {
          offlineTimer = null;
          if (stream === source && source.readyState !== EventSource.OPEN) {
            setLive("offline", "offline \u2014 polling every " + POLL_MS / 1000 + " s");
            startPolling();
          }
        }, OFFLINE_AFTER_MS);
      }
    };
  }

  // In place: a button keeps its focus while the counts and states around it change.
  function renderClusters() {
    const buttons = new Map([...el.clusters.querySelectorAll("button[data-cluster]")].map((b) => [b.dataset.cluster, b]));
    const items = clusters.map((c) => {
      let b = buttons.get(c.name);
      if (!b) {
        b = document.createElement("button");
        b.type = "button";
        b.dataset.cluster = c.name;
        const name = document.createElement("span");
        name.className = "name";
        name.textContent = c.name;
        const count = document.createElement("span");
        count.className = "count";
        const badge = document.createElement("span");
        badge.className = "badge";
        b.append(name, count, badge);
        b.addEventListener("click", () => selectCluster(c.name));
      }
      const count = b.querySelector(".count");
      const badge = b.querySelector(".badge");
      count.textContent = c.informer.state === "synced" ? number(c.informer.node_count) + " nodes" : "nodes " + c.informer.state;
      badge.dataset.state = c.pod_counts.state;
      badge.textContent = c.pod_counts.state;
      badge.title = (STATE_HELP[c.pod_counts.state] || "") + failureNote(c.pod_counts);
      b.setAttribute("aria-label", c.name + ", " + count.textContent + ", pod counts " + c.pod_counts.state);
      if (c.name === view.cluster) {
        b.setAttribute("aria-current", "true");
      } else {
        b.removeAttribute("aria-current");
      }
      if (!b.parentElement) document.createElement("li").append(b);
      return b.parentElement;
    });
    items.forEach((li, i) => {
      if (el.clusters.children[i] !== li) el.clusters.insertBefore(li, el.clusters.children[i] || null);
    });
    while (el.clusters.children.length > items.length) el.clusters.lastElementChild.remove();
  }

  // Contexts whose names cannot be cluster names: the operator fixes the kubeconfig.
  let rejectedShown = "[]";
  function renderRejected(rejected) {
    const text = JSON.stringify(rejected);
    if (text === rejectedShown) return;
    rejectedShown = text;
    el.rejected.hidden = rejected.length === 0;
    el.rejectedSummary.textContent = rejected.length + " kubeconfig context" + (rejected.length === 1 ? "" : "s")
      + " not served";
    el.rejectedList.replaceChildren(...rejected.map((r) => {
      const li = document.createElement("li");
      li.dataset.name = r.name;
      const name = document.createElement("span");
      name.className = "name";
      name.textContent = r.name;
      li.append(name, ": " + r.reason);
      return li;
    }));
  }

  function updateClusterEntry() {
    const entry = clusters.find((c) => c.name === view.cluster);
    if (!entry || !answer) return;
    entry.informer = answer.informer;
    entry.pod_counts = answer.pod_counts;
    renderClusters();
  }

  async function loadClusters() {
    try {
      const res = await fetch("api/v1/clusters", { cache: "no-store" });
      const body = await res.json();
      clusters = body.data;
      renderRejected(body.rejected || []);
      if (!view.cluster || !clusters.some((c) => c.name === view.cluster)) {
        if (clusters.length > 0) {
          view.cluster = clusters[0].name;
          writeUrl(false);
          changed(false);
        }
      }
      renderClusters();
    } catch (e) {
      showError("podtally is not reachable");
    }
  }

  function selectCluster(name) {
    if (name === view.cluster) return;
    view.cluster = name;
    view.page = 1;
    writeUrl(true);
    changed(true);
    renderClusters();
  }

  // The cluster or query changed: start over with that view.
  function changed(cluster) {
    etag = null;
    etagUrl = null;
    if (cluster) {
      answer = null;
      lastState = null;
      clearRows();
      closeDetail();
      el.badge.textContent = "\u2026";
      el.badge.dataset.state = "";
      el.adminResult.textContent = "";
      openStream();
    }
    renderSort();
    load(false);
  }

  let typing = null;
  function onFilter() {
    clearTimeout(typing);
    typing = setTimeout(() => {
      view.name = el.name.value.trim();
      view.status = el.status.value;
      view.role = el.role.value.trim();
      view.label = el.label.value.trim();
      view.taint = el.taint.value.trim();
      view.page = 1;
      writeUrl(false);
      changed(false);
    }, 250);
  }

  function goTo(page) {
    if (!answer) return;
    const pages = Math.max(1, answer.total_pages || 1);
    const target = Math.min(Math.max(1, page), pages);
    if (target === view.page) return;
    view.page = target;
    writeUrl(true);
    changed(false);
  }

  function sortBy(column) {
    if (view.sort === column) {
      view.order = view.order === "asc" ? "desc" : "asc";
    } else {
      view.sort = column;
      view.order = column === "pods" || column === "cpu" || column === "memory" ? "desc" : "asc";
    }
    view.page = 1;
    writeUrl(true);
    changed(false);
  }

  function adminOutcome(text, ok) {
    el.adminResult.textContent = text;
    el.adminResult.dataset.outcome = ok ? "ok" : "error";
  }

  async function refreshCounts(token) {
    const cluster = view.cluster;
    adminOutcome("refreshing\u2026", true);
    try {
      const res = await fetch("api/v1/admin/pod-counts/refresh?cluster_name=" + encodeURIComponent(cluster),
        { method: "POST", headers: { Authorization: "Bearer " + token } });
      if (res.status === 202) {
        adminOutcome("202: refresh of " + cluster + " started", true);
      } else if (res.status === 401 || res.status === 403) {
        sessionStorage.removeItem(TOKEN_KEY);
        adminOutcome(res.status + ": " + (res.status === 401 ? "the admin token is missing" : "the admin token was refused"), false);
      } else {
        const body = await res.json().catch(() => ({ message: res.statusText }));
        adminOutcome(res.status + ": " + body.message, false);
      }
    } catch (e) {
      adminOutcome("podtally is not reachable", false);
    }
  }

  function onRefreshClick() {
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token) {
      refreshCounts(token);
      return;
    }
    el.tokenInput.value = "";
    el.tokenDialog.showModal();
  }

  $("token-cancel").addEventListener("click", () => el.tokenDialog.close("cancel"));
  el.tokenDialog.addEventListener("close", () => {
    const token = el.tokenInput.value;
    el.tokenInput.value = "";
    if (el.tokenDialog.returnValue === "ok" && token) {
      sessionStorage.setItem(TOKEN_KEY, token);
      refreshCounts(token);
    }
    el.refresh.focus();
  });

  function definitions(pairs) {
    const dl = document.createElement("dl");
    for (const [key, value] of pairs) {
      const dt = document.createElement("dt");
      dt.textContent = key;
      const dd = document.createElement("dd");
      dd.textContent = value === null || value === undefined || value === "" ? "\u2013" : String(value);
      dl.append(dt, dd);
    }
    return dl;
  }

  function table(headers, rowsData) {
    const t = document.createElement("table");
    const head = document.createElement("tr");
    headers.forEach((h) => {
      const th = document.createElement("th");
      th.scope = "col";
      th.textContent = h;
      head.append(th);
    });
    const thead = document.createElement("thead");
    thead.append(head);
    const tbody = document.createElement("tbody");
    rowsData.forEach((r) => {
      const tr = document.createElement("tr");
      r.forEach((v) => {
        const td = document.createElement("td");
        td.textContent = v === null || v === undefined ? "" : String(v);
        tr.append(td);
      });
      tbody.append(tr);
    });
    t.append(thead, tbody);
    return t;
  }

  function section(title, content) {
    const h = document.createElement("h3");
    h.textContent = title;
    return [h, content];
  }

  function renderDetail(node, counts) {
    const pods = podsText(node, counts.state);
    const resources = (r) => r ? [r.cpu + " CPU", r.memory, (r.pods || "?") + " pods"].join(" \u00b7 ") : null;
    const empty = (text) => {
      const p = document.createElement("p");
      p.className = "muted";
      p.textContent = text;
      return p;
    };
    el.detailTitle.textContent = node.name;
    el.detailBody.replaceChildren(
      definitions([
        ["Status", node.status + (node.schedulable ? "" : ", cordoned")],
        ["Roles", node.roles.join(", ") || "<none>"],
        ["Pods", pods.text],
        ["Age", node.age + " (created " + node.created_at + ")"],
        ["Kubelet", node.version],
        ["OS image", node.os_image],
        ["Kernel", node.kernel_version],
        ["Runtime", node.container_runtime]
      ]),
      ...section("Addresses", definitions([["Internal IP", node.internal_ip], ["External IP", node.external_ip]])),
      ...section("Resources", definitions([
        ["Capacity", resources(node.capacity)],
        ["Allocatable", resources(node.allocatable)],
        ["Usage", node.usage ? node.usage.cpu + " CPU \u00b7 " + node.usage.memory : "no metrics"]
      ])),
      ...section("Conditions", node.conditions.length ? table(["Type", "Status", "Reason", "Since"],
        node.conditions.map((c) => [c.type, c.status, c.reason, c.last_transition_time])) : empty("none")),
      ...section("Taints", node.taints.length ? table(["Key", "Value", "Effect"],
        node.taints.map((t) => [t.key, t.value, t.effect])) : empty("none")),
      ...section("Labels", table(["Key", "Value"], Object.entries(node.labels).sort()))
    );
  }

  async function loadDetail(name) {
    try {
      const res = await fetch("api/v1/nodes/" + encodeURIComponent(name) + "?cluster_name="
        + encodeURIComponent(view.cluster), { cache: "no-store" });
      if (detailNode !== name) return;
      if (res.status === 200) {
        const body = await res.json();
        renderDetail(body.data, body.pod_counts);
      } else {
        const body = await res.json().catch(() => ({ message: res.statusText }));
        el.detailBody.textContent = body.message;
      }
    } catch (e) {
      el.detailBody.textContent = "podtally is not reachable";
    }
  }

  function openDetail(name, opener) {
    detailNode = name;
    detailOpener = opener;
    el.detailTitle.textContent = name;
    el.detailBody.textContent = "loading\u2026";
    el.detail.hidden = false;
    el.detailTitle.focus();
    loadDetail(name);
  }

  function closeDetail() {
    if (el.detail.hidden) return;
    el.detail.hidden = true;
    detailNode = null;
    if (detailOpener && document.body.contains(detailOpener)) detailOpener.focus();
    detailOpener = null;
  }

  async function loadFeatures() {
    try {
      const res = await fetch("api/v1/features", { cache: "no-store" });
      if (res.ok) features = (await res.json()).data;
    } catch (e) {
      // without the answer the defaults stand: no admin button, events tried
    }
    el.refresh.hidden = !features.admin;
  }

  document.querySelectorAll("th[data-sort] button").forEach((b) =>
    b.addEventListener("click", () => sortBy(b.parentElement.dataset.sort)));
  [el.name, el.role, el.label, el.taint].forEach((input) => input.addEventListener("input", onFilter));
  el.status.addEventListener("change", onFilter);
  document.getElementById("filters").addEventListener("submit", (e) => e.preventDefault());
  el.clear.addEventListener("click", () => {
    [el.name, el.role, el.label, el.taint].forEach((input) => { input.value = ""; });
    el.status.value = "";
    onFilter();
  });
  el.first.addEventListener("click", () => goTo(1));
  el.prev.addEventListener("click", () => goTo(view.page - 1));
  el.next.addEventListener("click", () => goTo(view.page + 1));
  el.last.addEventListener("click", () => goTo(answer ? answer.total_pages : 1));
  el.pageSize.addEventListener("change", () => {
    view.pageSize = Math.min(parseInt(el.pageSize.value, 10), features.max_page_size || 5000);
    view.page = 1;
    writeUrl(false);
    changed(false);
  });
  el.refresh.addEventListener("click", onRefreshClick);
  el.detailClose.addEventListener("click", closeDetail);
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && !el.detail.hidden && !el.tokenDialog.open) closeDetail();
  });
  window.addEventListener("popstate", () => {
    const before = view.cluster;
    readUrl();
    changed(before !== view.cluster);
    renderClusters();
  });
  // A page left for another (or kept in the back-forward cache) gives its stream's connection back: browsers
  // allow only a few connections per server.
  window.addEventListener("pagehide", () => {
    closeStream();
    stopPolling();
  });
  window.addEventListener("pageshow", (e) => {
    if (e.persisted) changed(true);
  });
  setInterval(renderAge, 1000);
  setInterval(loadClusters, CLUSTERS_MS);

  readUrl();
  renderSort();
  loadFeatures().then(() => {
    if (view.cluster) changed(true);
    return loadClusters();
  });
})();
