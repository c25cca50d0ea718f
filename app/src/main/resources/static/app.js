"use strict";
(function () {
  const POLL_MS = 5000;
  const select = document.getElementById("cluster");
  const filter = document.getElementById("filter");
  const tbody = document.getElementById("nodes");
  const stateBadge = document.getElementById("state");
  const fetched = document.getElementById("fetched");
  const summary = document.getElementById("summary");
  const error = document.getElementById("error");
  let etag = null;
  let last = null;
  let timer = null;

  function cell(text, cls) {
    const td = document.createElement("td");
    td.textContent = text === null || text === undefined ? "" : String(text);
    if (cls) td.className = cls;
    return td;
  }

  const SUFFIX = { n: 1e-9, u: 1e-6, m: 1e-3, "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12,
    Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };

  // A Kubernetes quantity ("250m", "16597216Ki", "1.5") as a number, or null when unreadable.
  function quantity(q) {
    const m = /^([0-9.]+)(n|u|m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(q || "");
    return m ? parseFloat(m[1]) * SUFFIX[m[2] || ""] : null;
  }

  function cores(q) {
    const v = quantity(q);
    return v === null ? q : (v < 10 ? v.toFixed(2) : v.toFixed(1));
  }

  function gib(q) {
    const v = quantity(q);
    return v === null ? q : (v / 1024 ** 3).toFixed(1) + " GiB";
  }

  function render() {
    tbody.replaceChildren();
    if (!last) return;
    const needle = filter.value.trim().toLowerCase();
    const counts = last.pod_counts;
    stateBadge.textContent = counts.state;
    stateBadge.className = "badge " + counts.state;
    fetched.textContent = counts.fetched_at
      ? "fetched " + Math.max(0, Math.round((Date.now() - Date.parse(counts.fetched_at)) / 1000)) + " s ago" : "";
    let shown = 0;
    let pods = 0;
    for (const n of last.data) {
      if (n.pod_count !== null) pods += n.pod_count;
      if (needle && !n.name.toLowerCase().includes(needle)) continue;
      shown++;
      const tr = document.createElement("tr");
      tr.append(
        cell(n.name),
        cell(n.status + (n.schedulable ? "" : ",SchedulingDisabled"), n.status === "Ready" ? "" : "notready"),
        cell(n.roles.join(",") || "<none>", "muted"),
        cell(n.version),
        cell(n.internal_ip),
        cell(cores(n.capacity.cpu), "num"),
        cell(gib(n.capacity.memory), "num"),
        cell(n.usage ? cores(n.usage.cpu) : "–", "num"),
        cell(n.usage ? gib(n.usage.memory) : "–", "num"),
        cell(n.pod_count === null ? "loading…" : n.pod_count, n.pod_count === null ? "num muted" : "num"),
        cell(n.age));
      tbody.append(tr);
    }
    let text = shown + " of " + last.data.length + " nodes, " + pods + " active pods counted";
    if (last.informer && last.informer.state !== "synced") {
      text += " · nodes " + last.informer.state + (last.informer.last_error ? ": " + last.informer.last_error : "");
    }
    if (last.metrics && last.metrics.state === "unavailable") text += " · no metrics";
    summary.textContent = text;
  }

  async function poll() {
    clearTimeout(timer);
    const cluster = select.value;
    if (!cluster) return;
    try {
      const headers = etag ? { "If-None-Match": etag } : {};
      const res = await fetch("api/v1/nodes?cluster_name=" + encodeURIComponent(cluster),
        { headers: headers, cache: "no-store" });
      if (cluster !== select.value) return;
      if (res.status === 200) {
        etag = res.headers.get("ETag");
        last = await res.json();
        error.textContent = "";
        render();
      } else if (res.status !== 304) {
        const body = await res.json().catch(() => ({ message: res.statusText }));
        error.textContent = res.status + ": " + body.message;
      }
    } catch (e) {
      error.textContent = "podtally is not reachable";
    }
    timer = setTimeout(poll, POLL_MS);
  }

  async function loadClusters() {
    const res = await fetch("api/v1/clusters", { cache: "no-store" });
    const body = await res.json();
    select.replaceChildren();
    for (const c of body.data) {
      const option = document.createElement("option");
      option.value = c.name;
      option.textContent = c.name + " (" + c.informer.node_count + " nodes)";
      select.append(option);
    }
    poll();
  }

  select.addEventListener("change", () => { etag = null; last = null; render(); poll(); });
  filter.addEventListener("input", render);
  loadClusters().catch(() => { error.textContent = "podtally is not reachable"; });
})();
