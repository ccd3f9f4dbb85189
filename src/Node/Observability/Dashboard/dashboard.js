// RaftCache dashboard: plain JavaScript, no framework. The token lives in this closure only (never in storage).
(() => {
  "use strict";
  let token = null;          // bearer token from POST /login; null when the node runs without authentication
  let overview = null;       // last GET /admin/overview
  const finished = new Map(); // shard -> move that completed while the page watched (shown at 100 %)
  const seenMoves = new Map(); // shard -> move last seen in progress
  let refreshTimer = null;
  const $ = (id) => document.getElementById(id);

  function headers(extra) {
    const h = Object.assign({}, extra || {});
    if (token) h["Authorization"] = "Bearer " + token;
    return h;
  }

  async function api(method, path, body) {
    const init = { method, headers: headers(body ? { "Content-Type": "application/json" } : {}) };
    if (body) init.body = JSON.stringify(body);
    const response = await fetch(path, init);
    const text = await response.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch (e) { data = text; }
    if (!response.ok) {
      const error = new Error((data && (data.detail || data.title)) || ("HTTP " + response.status));
      error.status = response.status;
      throw error;
    }
    return data;
  }

  function roleOf(jwt) {
    try {
      const payload = JSON.parse(atob(jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
      return payload.role || "reader";
    } catch (e) { return "reader"; }
  }

  $("login-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    $("login-error").textContent = "";
    try {
      const response = await fetch("/login", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ key: $("api-key").value }) });
      const data = await response.json().catch(() => ({}));
      if (response.ok) token = data.access_token;
      else if (!(response.status === 400 && /off/.test(data.detail || ""))) throw new Error(data.detail || data.title || ("HTTP " + response.status));
      $("api-key").value = "";
      document.body.classList.toggle("reader", token !== null && roleOf(token) !== "admin");
      $("login").hidden = true;
      $("main").hidden = false;
      await refresh();
      refreshTimer = setInterval(refresh, 2000);
      streamEvents();
    } catch (e) {
      $("login-error").textContent = "Sign-in failed: " + e.message;
    }
  });

  async function refresh() {
    try {
      overview = await api("GET", "/admin/overview");
      render();
    } catch (e) {
      if (e.status === 401) return signOut("The session expired; sign in again.");
      $("action-result").textContent = "Refresh failed: " + e.message;
    }
  }

  // Back to the sign-in form (the token expired): the token is forgotten, nothing was ever stored.
  function signOut(reason) {
    token = null;
    clearInterval(refreshTimer);
    $("main").hidden = true;
    $("login").hidden = false;
    $("login-error").textContent = reason;
  }

  // Server-sent events read with fetch (EventSource cannot send an Authorization header); reconnects when dropped.
  let streaming = false;
  async function streamEvents() {
    if (streaming) return; // one stream per page, across sign-ins
    streaming = true;
    try { await readEvents(); } finally { streaming = false; }
  }

  async function readEvents() {
    for (;;) {
      try {
        const response = await fetch("/admin/events", { headers: headers({ Accept: "text/event-stream" }) });
        if (response.status === 401) return;
        if (!response.ok) throw new Error("HTTP " + response.status);
        setLive(true);
        const reader = response.body.getReader();
        const decoder = new TextDecoder();
        let buffer = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          let end;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            onEvent(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
          }
        }
      } catch (e) { /* reconnect below */ }
      setLive(false);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }

  function setLive(on) {
    $("live").textContent = on ? "live" : "reconnecting";
    $("live").className = "badge " + (on ? "on" : "off");
  }

  let pending = null;
  function onEvent(block) {
    let name = "message", data = "";
    for (const line of block.split("\n")) {
      if (line.startsWith("event: ")) name = line.slice(7);
      else if (line.startsWith("data: ")) data += line.slice(6);
    }
    if (name === "hello" || !data) return;
    const item = document.createElement("li");
    item.textContent = new Date().toLocaleTimeString() + "  " + name + "  " + describe(name, JSON.parse(data));
    $("events").prepend(item);
    while ($("events").children.length > 200) $("events").lastChild.remove();
    // Coalesce bursts (a failover moves many leaderships at once) into one refresh.
    if (!pending) pending = setTimeout(() => { pending = null; refresh(); }, 150);
  }

  function describe(name, e) {
    switch (name) {
      case "leader": return "shard " + e.shard + ": leader " + (e.leader || "none") + (e.previous != null ? " (was " + (e.previous || "none") + ")" : "");
      case "move": return "shard " + e.shard + " " + e.status + ": [" + e.from + "] -> [" + e.to + "]";
      default: return "member " + e.member + ": " + e.state + (e.previous ? " (was " + e.previous + ")" : "");
    }
  }

  function badge(text, cls) { return '<span class="badge ' + esc(cls || text) + '">' + esc(text) + "</span>"; }
  function esc(value) { return String(value == null ? "" : value).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c])); }

  function render() {
    const c = overview.cluster;
    $("cluster-id").textContent = "cluster " + c.cluster_id;
    $("node").textContent = "this node: " + c.node_id;
    renderMembers(c);
    renderShards(c);
    renderMoves(c);
    renderCharts(overview.requests);
  }

  function renderMembers(c) {
    $("members").tBodies[0].innerHTML = c.members.map((m) => {
      const age = m.last_heartbeat ? Math.max(0, (Date.now() - Date.parse(m.last_heartbeat)) / 1000).toFixed(1) + " s ago" : "never";
      return '<tr data-member="' + m.id + '" data-state="' + esc(m.state) + '"><td>' + m.id + "</td><td>" + badge(m.state) + "</td><td>" + esc(m.address) +
        "</td><td>" + age + '</td><td class="admin"><button class="secondary drain" data-id="' + m.id + '">Drain</button></td></tr>';
    }).join("");
  }

  function renderShards(c) {
    $("shards").tBodies[0].innerHTML = c.shards.map((s) => {
      const own = s.replicas.find((r) => r.id === c.node_id);
      const leaderReplica = s.replicas.find((r) => r.role === "leader");
      const last = leaderReplica && leaderReplica.match_index;
      const lags = s.replicas.filter((r) => r.match_index != null && last != null).map((r) => last - r.match_index);
      const lag = lags.length ? Math.max(...lags) : (own ? own.commit_index - own.applied_index : "");
      const replicas = s.replicas.map((r) => '<span class="replica">' + badge(r.id + " " + r.role, r.role) + "</span>").join("");
      const options = s.replicas.filter((r) => r.id !== s.leader && r.role !== "learner").map((r) => '<option value="' + r.id + '">' + r.id + "</option>").join("");
      return '<tr data-shard="' + s.id + '" data-leader="' + s.leader + '"><td>' + s.id + "</td><td>" + s.slots[0] + "–" + s.slots[1] + "</td><td>" +
        (s.leader ? badge(String(s.leader), "leader") : badge("none")) + "</td><td>" + replicas + "</td><td>" + s.term + "</td><td>" +
        (own ? own.applied_index : "") + "</td><td>" + lag + '</td><td class="admin">' +
        (options ? '<select aria-label="new leader of shard ' + s.id + '">' + options + '</select> <button class="secondary transfer" data-shard="' + s.id + '">Transfer</button>' : "") +
        "</td></tr>";
    }).join("");
  }

  // Progress of a move: each incoming member counts 1 when it votes, 0.5 plus its catch-up share while it is a learner.
  function progressOf(c, move) {
    const incoming = move.to.filter((m) => !move.from.includes(m));
    if (!incoming.length) return 0.5;
    const shard = c.shards.find((s) => s.id === move.shard);
    const conf = shard && shard.configuration;
    let sum = 0;
    for (const member of incoming) {
      if (conf && conf.voters.includes(member) && !conf.joint) sum += 1;
      else if (conf && (conf.voters.includes(member) || conf.learners.includes(member))) {
        const learner = c.learners.find((l) => l.shard === move.shard && l.member === member);
        sum += 0.5 + (learner && learner.match_index + learner.lag > 0 ? 0.4 * learner.match_index / (learner.match_index + learner.lag) : 0);
      }
    }
    return sum / incoming.length;
  }

  function renderMoves(c) {
    const current = new Map(c.moves.map((m) => [m.shard, m]));
    for (const [shard, move] of seenMoves) if (!current.has(shard)) finished.set(shard, move);
    seenMoves.clear();
    for (const [shard, move] of current) { seenMoves.set(shard, move); finished.delete(shard); }
    const rows = [...current.values()].map((m) => [m, progressOf(c, m), false]).concat([...finished.values()].map((m) => [m, 1, true]));
    $("moves").innerHTML = rows.length ? rows.map(([m, p, done]) =>
      '<div class="move" data-shard="' + m.shard + '" data-done="' + done + '"><span>shard ' + m.shard + ": [" + m.from + "] → [" + m.to + "]</span>" +
      '<div class="bar' + (done ? " done" : "") + '"><div style="width:' + Math.round(p * 100) + '%"></div></div><span>' + (done ? "done" : Math.round(p * 100) + " %") + "</span></div>").join("")
      : '<p class="muted">none</p>';
  }

  function renderCharts(requests) {
    $("charts").innerHTML = requests.map((r) => {
      if (!r.buckets) return '<div class="chart"><span>node ' + r.member + '</span><span class="muted">no answer</span><span></span></div>';
      const recent = r.buckets.slice(-60); // the last 5 minutes
      const max = Math.max(1, ...recent.map((b) => b.rate));
      const points = recent.map((b, i) => (i * 100 / (recent.length - 1)).toFixed(1) + "," + (40 - b.rate * 38 / max).toFixed(1)).join(" ");
      const p99s = recent.filter((b) => b.p99_seconds != null).map((b) => b.p99_seconds);
      const last = recent.slice(-12); // last minute
      const rate = last.reduce((s, b) => s + b.rate, 0) / last.length;
      const p99 = p99s.length ? Math.max(...p99s.slice(-12)) : null;
      return '<div class="chart" data-member="' + r.member + '"><span>node ' + r.member + '</span><svg viewBox="0 0 100 42" preserveAspectRatio="none"><polyline fill="none" stroke="#2b6cb0" stroke-width="1.2" vector-effect="non-scaling-stroke" points="' +
        points + '"/></svg><span>' + rate.toFixed(1) + " req/s · p99 " + formatSeconds(p99) + "</span></div>";
    }).join("");
  }

  function formatSeconds(s) {
    if (s == null) return "–";
    if (s === Infinity) return "> 10 s";
    return s >= 1 ? s.toFixed(1) + " s" : (s * 1000).toFixed(1) + " ms";
  }

  function confirmAction(text) {
    return new Promise((resolve) => {
      const dialog = $("confirm");
      $("confirm-text").textContent = text;
      dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true });
      dialog.showModal();
    });
  }

  async function act(question, method, path, body) {
    if (!(await confirmAction(question))) return;
    try {
      await api(method, path, body);
      $("action-result").textContent = "Done: " + question;
    } catch (e) {
      $("action-result").textContent = "Failed: " + e.message;
    }
    refresh();
  }

  $("add-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const address = $("add-address").value.trim();
    if (address) act("Add the node at " + address + " to the cluster?", "POST", "/admin/members", { address });
  });

  document.addEventListener("click", (event) => {
    const target = event.target;
    if (target.classList.contains("drain")) {
      const id = target.dataset.id;
      act("Drain member " + id + "? Its replicas move to the other members, then it is removed for good.", "DELETE", "/admin/members/" + id);
    } else if (target.classList.contains("transfer")) {
      const shard = target.dataset.shard;
      const to = target.previousElementSibling.value;
      act("Transfer the leadership of shard " + shard + " to member " + to + "?", "POST", "/admin/shards/" + shard + "/transfer-leader", { to: Number(to) });
    }
  });
})();
