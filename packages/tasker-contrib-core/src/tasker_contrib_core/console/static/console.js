/* Tasker console: task list, task view with its DAG, step panel, live polling.
 *
 * Plain browser JavaScript, no framework and no network access beyond the
 * console's own API. Every piece of user data is inserted with textContent
 * (never innerHTML), so a step result containing markup shows as text.
 * Settings come from the page's <meta> tags (no inline script: the page is
 * served with a Content-Security-Policy that forbids it).
 */
(function () {
  "use strict";

  var SVG_NS = "http://www.w3.org/2000/svg";

  function meta(name) {
    var element = document.querySelector('meta[name="tasker-console-' + name + '"]');
    return element ? element.getAttribute("content") || "" : "";
  }

  var config = {
    mount: meta("mount") || "./",
    csrfToken: meta("csrf-token"),
    csrfHeader: meta("csrf-header") || "X-Tasker-CSRF",
    pollSeconds: parseFloat(meta("poll-seconds")) || 1.5,
    actions: meta("actions").split(/\s+/).filter(Boolean),
    mode: meta("mode")
  };

  var TASK_STATES = [
    "pending", "initializing", "enqueuing_steps", "steps_in_process", "evaluating_results",
    "waiting_for_dependencies", "waiting_for_retry", "blocked_by_failures", "complete",
    "error", "cancelled", "resolved_manually"
  ];

  var STATE_LABELS = {
    not_taken: "not taken",
    not_reached: "not reached",
    pending: "pending",
    in_progress: "running",
    enqueued: "enqueued",
    steps_in_process: "running",
    waiting_for_retry: "waiting for retry",
    enqueued_for_orchestration: "finishing",
    enqueued_as_error_for_orchestration: "failing",
    complete: "complete",
    error: "error",
    cancelled: "cancelled",
    resolved_manually: "resolved manually"
  };

  var LIST_PAGE_SIZE = 25;
  var timer = null;
  var generation = 0;
  var view = { route: null, task: null, stepName: null, listQuery: {}, dagKey: null,
    panelKey: null };

  // -- small DOM helpers ---------------------------------------------------------------

  function el(tag, attributes, text) {
    var node = document.createElement(tag);
    setAttributes(node, attributes);
    if (text !== undefined && text !== null) {
      node.textContent = String(text);
    }
    return node;
  }

  function svg(tag, attributes, text) {
    var node = document.createElementNS(SVG_NS, tag);
    setAttributes(node, attributes);
    if (text !== undefined && text !== null) {
      node.textContent = String(text);
    }
    return node;
  }

  function setAttributes(node, attributes) {
    if (!attributes) {
      return;
    }
    Object.keys(attributes).forEach(function (key) {
      var value = attributes[key];
      if (value !== undefined && value !== null && value !== false) {
        node.setAttribute(key, value === true ? "" : String(value));
      }
    });
  }

  function clear(node) {
    while (node.firstChild) {
      node.removeChild(node.firstChild);
    }
  }

  function stateLabel(state) {
    return STATE_LABELS[state] || String(state).replace(/_/g, " ");
  }

  function stateClass(state) {
    return "state-" + String(state).replace(/[^a-z_]/g, "");
  }

  function badge(state) {
    return el("span", { "class": "badge " + stateClass(state), "data-state": state },
      stateLabel(state));
  }

  function formatAge(seconds) {
    if (seconds < 60) { return Math.round(seconds) + " s"; }
    if (seconds < 3600) { return Math.round(seconds / 60) + " min"; }
    if (seconds < 86400) { return (seconds / 3600).toFixed(1) + " h"; }
    return (seconds / 86400).toFixed(1) + " d";
  }

  function formatValue(value) {
    if (value === null || value === undefined) { return "(none)"; }
    if (typeof value === "string") { return value; }
    return JSON.stringify(value, null, 2);
  }

  function setStatus(text, isError) {
    var status = document.getElementById("status");
    status.textContent = text || "";
    status.className = isError ? "error-text" : "";
  }

  // -- API -----------------------------------------------------------------------------

  function api(path, options) {
    var init = { method: "GET", credentials: "same-origin", headers: { Accept: "application/json" } };
    if (options && options.method) {
      init.method = options.method;
      init.headers[config.csrfHeader] = config.csrfToken;
    }
    if (options && options.body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(options.body);
    }
    return fetch(config.mount + path, init).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          var error = (data && data.error) || {};
          var failure = new Error(error.message || ("request failed (" + response.status + ")"));
          failure.code = error.code || "http_" + response.status;
          throw failure;
        }
        return data;
      });
    });
  }

  function query(params) {
    var parts = [];
    Object.keys(params).forEach(function (key) {
      if (params[key] !== undefined && params[key] !== null && params[key] !== "") {
        parts.push(encodeURIComponent(key) + "=" + encodeURIComponent(params[key]));
      }
    });
    return parts.length ? "?" + parts.join("&") : "";
  }

  // -- routing -------------------------------------------------------------------------

  function parseRoute() {
    var hash = window.location.hash.replace(/^#\/?/, "");
    var parts = hash.split("?");
    var segments = parts[0].split("/").filter(Boolean).map(decodeURIComponent);
    var params = {};
    (parts[1] || "").split("&").filter(Boolean).forEach(function (pair) {
      var kv = pair.split("=");
      params[decodeURIComponent(kv[0])] = decodeURIComponent(kv[1] || "");
    });
    if (segments[0] === "tasks" && segments[1]) {
      return { name: "task", task: segments[1], step: segments[2] || null };
    }
    return { name: "list", params: params };
  }

  function taskHash(uuid, stepName) {
    return "#/tasks/" + encodeURIComponent(uuid) +
      (stepName ? "/" + encodeURIComponent(stepName) : "");
  }

  function schedule(callback) {
    if (timer) { window.clearTimeout(timer); }
    timer = window.setTimeout(callback, config.pollSeconds * 1000);
  }

  function route() {
    if (timer) { window.clearTimeout(timer); timer = null; }
    generation += 1;
    var current = parseRoute();
    var list = document.getElementById("list-view");
    var task = document.getElementById("task-view");
    if (current.name === "task") {
      list.hidden = true;
      task.hidden = false;
      var sameTask = view.route && view.route.name === "task" && view.route.task === current.task;
      view.route = current;
      view.stepName = current.step;
      if (sameTask && view.task) {
        renderStepPanel();
        highlightSelected();
        if (view.task.poll_after_seconds) {
          var token = generation;
          schedule(function () { if (token === generation) { loadTask(token); } });
        }
      } else {
        view.task = null;
        view.dagKey = null;
        view.panelKey = null;
        buildTaskShell(task);
        loadTask(generation);
      }
    } else {
      task.hidden = true;
      list.hidden = false;
      view.route = current;
      view.listQuery = current.params;
      buildListShell(list);
      loadList(generation);
    }
  }

  // -- task list -----------------------------------------------------------------------

  function buildListShell(section) {
    clear(section);
    section.appendChild(el("h2", { id: "list-title" }, "Tasks"));
    var form = el("form", { id: "filters", "class": "filters", role: "search",
      "aria-label": "Filter tasks" });
    var status = el("select", { id: "filter-status", name: "status" });
    status.appendChild(el("option", { value: "" }, "any status"));
    TASK_STATES.forEach(function (state) {
      status.appendChild(el("option", { value: state }, stateLabel(state)));
    });
    status.value = view.listQuery.status || "";
    form.appendChild(labelled("Status", status));
    form.appendChild(labelled("Namespace", el("input", { id: "filter-namespace",
      name: "namespace", type: "text", value: view.listQuery.namespace || "",
      autocomplete: "off" })));
    form.appendChild(labelled("Template name", el("input", { id: "filter-name", name: "name",
      type: "text", value: view.listQuery.name || "", autocomplete: "off" })));
    form.appendChild(el("button", { type: "submit" }, "Apply filters"));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var params = {
        status: status.value,
        namespace: document.getElementById("filter-namespace").value.trim(),
        name: document.getElementById("filter-name").value.trim()
      };
      window.location.hash = "#/" + query(params);
    });
    section.appendChild(form);

    var table = el("table", { id: "task-list", "class": "tasks" });
    table.appendChild(el("caption", { "class": "visually-hidden" }, "Tasks, newest first"));
    var head = el("thead");
    var row = el("tr");
    ["Task", "Namespace", "Status", "Age", "Progress", "Task id"].forEach(function (title) {
      row.appendChild(el("th", { scope: "col" }, title));
    });
    head.appendChild(row);
    table.appendChild(head);
    table.appendChild(el("tbody", { id: "task-rows" }));
    section.appendChild(table);
    var pager = el("nav", { id: "pager", "class": "pager", "aria-label": "Pages of tasks" });
    section.appendChild(pager);
    if (config.actions.indexOf("submit") >= 0) {
      section.appendChild(buildSubmitForm());
    }
  }

  function labelled(text, control) {
    var label = el("label", { "for": control.id }, text);
    var wrapper = el("div", { "class": "field" });
    wrapper.appendChild(label);
    wrapper.appendChild(control);
    return wrapper;
  }

  function loadList(token) {
    var params = {
      status: view.listQuery.status,
      namespace: view.listQuery.namespace,
      name: view.listQuery.name,
      limit: LIST_PAGE_SIZE,
      offset: view.listQuery.offset || 0
    };
    api("api/tasks" + query(params)).then(function (data) {
      if (token !== generation) { return; }
      renderList(data);
      setStatus("");
      var running = data.tasks.some(function (task) { return !task.terminal; });
      if (running) {
        schedule(function () { if (token === generation) { loadList(token); } });
      }
    }).catch(function (error) {
      if (token !== generation) { return; }
      setStatus("Could not load tasks: " + error.message, true);
    });
  }

  function renderList(data) {
    var body = document.getElementById("task-rows");
    // Polling re-renders the rows: keep keyboard focus where it was.
    var active = document.activeElement;
    var focusedRow = active && active.closest ? active.closest("tr[data-task-uuid]") : null;
    var focusedUuid = focusedRow ? focusedRow.getAttribute("data-task-uuid") : null;
    var focusedPager = active && active.id && active.id.indexOf("page-") === 0 ? active.id : null;
    clear(body);
    if (!data.tasks.length) {
      var empty = el("tr");
      empty.appendChild(el("td", { colspan: "6", "class": "empty" }, "No tasks match."));
      body.appendChild(empty);
    }
    data.tasks.forEach(function (task) {
      var row = el("tr", { "data-task-uuid": task.uuid, "data-status": task.status });
      var nameCell = el("td");
      var link = el("a", { href: taskHash(task.uuid), "class": "task-link" },
        task.name + " " + task.version);
      nameCell.appendChild(link);
      row.appendChild(nameCell);
      row.appendChild(el("td", null, task.namespace));
      var statusCell = el("td", { "class": "status" });
      statusCell.appendChild(badge(task.status));
      row.appendChild(statusCell);
      row.appendChild(el("td", { title: task.created_at }, formatAge(task.age_seconds)));
      var progressCell = el("td", { "class": "progress-cell" });
      var progress = task.progress;
      var bar = el("progress", { max: String(Math.max(progress.total, 1)),
        value: String(progress.completed),
        "aria-label": "steps complete of " + task.name });
      progressCell.appendChild(bar);
      progressCell.appendChild(el("span", { "class": "progress-text" },
        progress.completed + "/" + progress.total + " steps" +
        (progress.failed ? ", " + progress.failed + " failed" : "")));
      row.appendChild(progressCell);
      row.appendChild(el("td", { "class": "uuid" }, task.uuid));
      body.appendChild(row);
      if (task.uuid === focusedUuid) { link.focus(); }
    });
    renderPager(data.pagination);
    if (focusedPager) {
      var again = document.getElementById(focusedPager);
      if (again && !again.disabled) { again.focus(); }
    }
  }

  function renderPager(pagination) {
    var pager = document.getElementById("pager");
    clear(pager);
    var first = pagination.total ? pagination.offset + 1 : 0;
    var last = Math.min(pagination.offset + pagination.limit, pagination.total);
    pager.appendChild(el("span", { id: "page-summary" },
      "Tasks " + first + "–" + last + " of " + pagination.total +
      (pagination.total_complete ? "" : " (of the most recent scanned)")));
    var previous = el("button", { type: "button", id: "page-previous",
      disabled: !pagination.has_previous }, "Previous page");
    var next = el("button", { type: "button", id: "page-next",
      disabled: !pagination.has_next }, "Next page");
    previous.addEventListener("click", function () {
      goToOffset(Math.max(0, pagination.offset - pagination.limit));
    });
    next.addEventListener("click", function () {
      goToOffset(pagination.offset + pagination.limit);
    });
    pager.appendChild(previous);
    pager.appendChild(next);
  }

  function goToOffset(offset) {
    var params = {};
    Object.keys(view.listQuery).forEach(function (key) { params[key] = view.listQuery[key]; });
    params.offset = offset || "";
    window.location.hash = "#/" + query(params);
  }

  function buildSubmitForm() {
    var form = el("form", { id: "submit-form", "class": "submit-form",
      "aria-labelledby": "submit-title" });
    form.appendChild(el("h2", { id: "submit-title" }, "Submit a task"));
    var namespace = el("input", { id: "submit-namespace", type: "text", required: true });
    var name = el("input", { id: "submit-name", type: "text", required: true });
    var version = el("input", { id: "submit-version", type: "text", required: true });
    var context = el("textarea", { id: "submit-context", rows: "6", spellcheck: "false" });
    context.value = "{}";
    form.appendChild(labelled("Namespace", namespace));
    form.appendChild(labelled("Template name", name));
    form.appendChild(labelled("Version", version));
    form.appendChild(labelled("Context (JSON object)", context));
    form.appendChild(el("button", { type: "submit" }, "Submit task"));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var parsed;
      try {
        parsed = JSON.parse(context.value || "{}");
      } catch (error) {
        setStatus("The context is not valid JSON.", true);
        context.focus();
        return;
      }
      api("api/tasks", { method: "POST", body: {
        namespace: namespace.value.trim(), name: name.value.trim(),
        version: version.value.trim(), context: parsed
      } }).then(function (data) {
        window.location.hash = taskHash(data.task.uuid);
      }).catch(function (error) {
        setStatus("The task was not submitted: " + error.message, true);
      });
    });
    return form;
  }

  // -- task view -----------------------------------------------------------------------

  function buildTaskShell(section) {
    clear(section);
    var back = el("a", { href: "#/", id: "back-to-list", "class": "back" }, "← All tasks");
    section.appendChild(back);
    section.appendChild(el("h2", { id: "task-title" }, "Task"));
    section.appendChild(el("div", { id: "task-summary", "class": "summary" }));
    var layout = el("div", { "class": "task-layout" });
    var graph = el("section", { id: "dag-section", "class": "dag-section",
      "aria-labelledby": "dag-title" });
    graph.appendChild(el("h3", { id: "dag-title" }, "Steps"));
    graph.appendChild(el("p", { "class": "hint" },
      "Select a step (Tab to it, then Enter) to see its inputs, result and attempts."));
    graph.appendChild(el("div", { id: "dag-container", "class": "dag-container" }));
    graph.appendChild(buildLegend());
    layout.appendChild(graph);
    var panel = el("section", { id: "step-panel", "class": "step-panel",
      "aria-labelledby": "step-name", tabindex: "-1" });
    layout.appendChild(panel);
    section.appendChild(layout);
    var details = el("section", { "class": "task-details", "aria-labelledby": "context-title" });
    details.appendChild(el("h3", { id: "context-title" }, "Task context"));
    details.appendChild(el("pre", { id: "task-context", "class": "value" }));
    details.appendChild(el("h3", { id: "events-title" }, "Recent events"));
    details.appendChild(el("ol", { id: "task-events", "class": "events" }));
    section.appendChild(details);
  }

  function buildLegend() {
    var legend = el("ul", { "class": "legend", "aria-label": "Step states" });
    ["complete", "in_progress", "pending", "waiting_for_retry", "error", "not_taken",
      "not_reached"].forEach(function (state) {
      var item = el("li");
      item.appendChild(el("span", { "class": "swatch " + stateClass(state),
        "aria-hidden": "true" }));
      item.appendChild(document.createTextNode(stateLabel(state)));
      legend.appendChild(item);
    });
    return legend;
  }

  function loadTask(token) {
    var uuid = view.route.task;
    api("api/tasks/" + encodeURIComponent(uuid)).then(function (data) {
      if (token !== generation) { return; }
      view.task = data;
      renderTask(data);
      setStatus(data.poll_after_seconds ? "Updating while the task runs…" : "");
      if (data.poll_after_seconds) {
        schedule(function () { if (token === generation) { loadTask(token); } });
      }
      loadEvents(token, uuid);
    }).catch(function (error) {
      if (token !== generation) { return; }
      setStatus("Could not load the task: " + error.message, true);
    });
  }

  function renderTask(data) {
    var task = data.task;
    document.getElementById("task-title").textContent =
      task.namespace + " / " + task.name + " " + task.version;
    var summary = document.getElementById("task-summary");
    clear(summary);
    var list = el("dl", { "class": "facts" });
    addFact(list, "Status", badge(task.status), "task-status");
    addFact(list, "Progress", task.progress.completed + " of " + task.progress.total +
      " steps complete" + (task.progress.failed ? ", " + task.progress.failed + " failed" : ""),
      "task-progress");
    addFact(list, "Age", formatAge(task.age_seconds));
    addFact(list, "Task id", task.uuid, "task-uuid");
    addFact(list, "Initiator", task.initiator);
    if (task.error) {
      addFact(list, "Error", formatValue(task.error), "task-error");
    }
    summary.appendChild(list);
    if (config.actions.indexOf("cancel") >= 0 && !task.terminal) {
      var cancel = el("button", { type: "button", id: "cancel-task", "class": "danger" },
        "Cancel task");
      cancel.addEventListener("click", function () {
        if (!window.confirm("Cancel this task? Steps already running finish first.")) { return; }
        api("api/tasks/" + encodeURIComponent(task.uuid) + "/cancel", { method: "POST" })
          .then(function () { loadTask(generation); })
          .catch(function (error) { setStatus("Not cancelled: " + error.message, true); });
      });
      summary.appendChild(cancel);
    }
    document.getElementById("task-context").textContent = formatValue(task.context);
    // Polling redraws only what changed, so focus and scroll positions stay put.
    var dagKey = JSON.stringify(data.dag);
    if (dagKey !== view.dagKey) {
      view.dagKey = dagKey;
      renderDag(data.dag);
    }
    renderStepPanel();
  }

  function addFact(list, term, value, id) {
    list.appendChild(el("dt", null, term));
    var detail = el("dd", id ? { id: id } : null);
    if (value instanceof Node) {
      detail.appendChild(value);
    } else {
      detail.textContent = String(value);
    }
    list.appendChild(detail);
  }

  // -- the DAG as SVG ------------------------------------------------------------------

  function renderDag(dag) {
    var container = document.getElementById("dag-container");
    var focused = document.activeElement && document.activeElement.getAttribute &&
      document.activeElement.getAttribute("data-step-name");
    clear(container);
    var drawing = svg("svg", {
      id: "dag", "class": "dag", role: "group", width: dag.width, height: dag.height,
      viewBox: "0 0 " + dag.width + " " + dag.height,
      "aria-label": "Workflow steps and their dependencies"
    });
    var defs = svg("defs");
    var marker = svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: "9", refY: "5",
      markerWidth: "7", markerHeight: "7", orient: "auto-start-reverse" });
    marker.appendChild(svg("path", { d: "M 0 0 L 10 5 L 0 10 z", "class": "arrow-head" }));
    defs.appendChild(marker);
    drawing.appendChild(defs);
    var labels = [];
    dag.groups.forEach(function (group) {
      var box = svg("g", { "class": "dag-group", "data-group": group.name });
      box.appendChild(svg("rect", { x: group.x, y: group.y, width: group.width,
        height: group.height, rx: "8" }));
      drawing.appendChild(box);
      labels.push(svg("text", { x: group.x + 8, y: group.y + 15, "class": "group-label" },
        group.name + " — " + group.count + " batch worker" + (group.count === 1 ? "" : "s")));
    });
    var states = {};
    dag.nodes.forEach(function (node) { states[node.name] = node.state; });
    dag.edges.forEach(function (edge) {
      var points = edge.points.map(function (point) { return point[0] + "," + point[1]; });
      var muted = [states[edge.source], states[edge.target]].some(function (state) {
        return state === "not_taken" || state === "not_reached";
      });
      drawing.appendChild(svg("polyline", { points: points.join(" "),
        "class": "dag-edge" + (muted ? " muted" : ""), "marker-end": "url(#arrow)",
        "data-source": edge.source, "data-target": edge.target }));
    });
    labels.forEach(function (label) { drawing.appendChild(label); });
    dag.nodes.forEach(function (node) {
      var label = node.name + ": " + stateLabel(node.state) +
        (node.type !== "standard" ? " (" + node.type.replace(/_/g, " ") + " step)" : "");
      var openable = Boolean(node.step_uuid);
      var group = svg("g", {
        "class": "dag-node " + stateClass(node.state) + (openable ? " openable" : ""),
        "data-step-name": node.name, "data-state": node.state, "data-type": node.type,
        tabindex: "0", role: "button", "aria-label": label,
        "aria-disabled": openable ? null : "true"
      });
      group.appendChild(svg("title", null, label));
      group.appendChild(svg("rect", { x: node.x, y: node.y, width: node.width,
        height: node.height, rx: node.type === "decision" ? "14" : "5" }));
      group.appendChild(svg("text", { x: node.x + node.width / 2, y: node.y + 17,
        "class": "node-name", "text-anchor": "middle" }, node.name));
      group.appendChild(svg("text", { x: node.x + node.width / 2, y: node.y + 32,
        "class": "node-state", "text-anchor": "middle" }, stateLabel(node.state)));
      group.addEventListener("click", function () { openStep(node.name); });
      group.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          openStep(node.name);
        }
      });
      drawing.appendChild(group);
    });
    container.appendChild(drawing);
    if (!dag.template_found) {
      container.appendChild(el("p", { "class": "hint" },
        "This task's template is not among this app's template_paths: steps are shown " +
        "without their dependencies."));
    }
    highlightSelected();
    if (focused) {
      var again = findNode(focused);
      if (again) { again.focus(); }
    }
  }

  function findNode(name) {
    var nodes = document.querySelectorAll("#dag .dag-node");
    for (var index = 0; index < nodes.length; index += 1) {
      if (nodes[index].getAttribute("data-step-name") === name) { return nodes[index]; }
    }
    return null;
  }

  function highlightSelected() {
    var nodes = document.querySelectorAll("#dag .dag-node");
    for (var index = 0; index < nodes.length; index += 1) {
      var selected = nodes[index].getAttribute("data-step-name") === view.stepName;
      nodes[index].classList.toggle("selected", selected);
      nodes[index].setAttribute("aria-pressed", selected ? "true" : "false");
    }
  }

  function openStep(name) {
    window.location.hash = taskHash(view.route.task, name);
    var panel = document.getElementById("step-panel");
    if (panel) { window.setTimeout(function () { panel.focus(); }, 0); }
  }

  // -- the step panel ------------------------------------------------------------------

  function renderStepPanel() {
    var panel = document.getElementById("step-panel");
    if (!panel || !view.task) { return; }
    var name = view.stepName;
    var step = null;
    view.task.steps.forEach(function (candidate) {
      if (candidate.name === name) { step = candidate; }
    });
    var panelKey = JSON.stringify([name, step]);
    if (panelKey === view.panelKey && panel.firstChild) { return; }
    view.panelKey = panelKey;
    clear(panel);
    if (!name) {
      panel.appendChild(el("h3", { id: "step-name" }, "No step selected"));
      panel.appendChild(el("p", { "class": "hint" }, "Select a step in the graph."));
      return;
    }
    panel.appendChild(el("h3", { id: "step-name" }, name));
    if (!step) {
      var node = null;
      view.task.dag.nodes.forEach(function (candidate) {
        if (candidate.name === name) { node = candidate; }
      });
      panel.appendChild(el("p", { id: "step-state" },
        node ? "This step has no workflow step: " + stateLabel(node.state) + "."
          : "No such step in this task."));
      return;
    }
    var facts = el("dl", { "class": "facts" });
    addFact(facts, "State", badge(step.state), "step-state");
    addFact(facts, "Attempts", step.attempts + " of " + step.max_attempts, "step-attempts");
    if (step.duration_ms !== null && step.duration_ms !== undefined) {
      addFact(facts, "Last run took", step.duration_ms + " ms", "step-duration");
    }
    addFact(facts, "Created", step.created_at);
    if (step.last_attempted_at) { addFact(facts, "Last attempt", step.last_attempted_at); }
    if (step.completed_at) { addFact(facts, "Completed", step.completed_at); }
    if (step.next_retry_at) { addFact(facts, "Next retry", step.next_retry_at); }
    addFact(facts, "Step id", step.uuid);
    panel.appendChild(facts);
    addValue(panel, "Inputs", step.inputs, "step-inputs");
    addValue(panel, "Result", step.result, "step-result");
    if (step.error !== null && step.error !== undefined) {
      addValue(panel, "Error", step.error, "step-error");
    }
    panel.appendChild(el("h4", null, "Attempts"));
    if (step.history === null) {
      panel.appendChild(el("p", { id: "step-history", "class": "hint" },
        "The attempt history is not loaded for tasks with this many steps."));
      return;
    }
    if (!step.history.length) {
      panel.appendChild(el("p", { id: "step-history", "class": "hint" },
        "No attempt recorded yet."));
      return;
    }
    var table = el("table", { id: "step-history", "class": "history" });
    var head = el("tr");
    ["Recorded", "Outcome", "Took"].forEach(function (title) {
      head.appendChild(el("th", { scope: "col" }, title));
    });
    var thead = el("thead");
    thead.appendChild(head);
    table.appendChild(thead);
    var body = el("tbody");
    step.history.forEach(function (entry) {
      var row = el("tr");
      row.appendChild(el("td", null, entry.recorded_at));
      row.appendChild(el("td", null, entry.success ? "succeeded" : "failed"));
      row.appendChild(el("td", null,
        entry.execution_time_ms === null ? "–" : entry.execution_time_ms + " ms"));
      body.appendChild(row);
    });
    table.appendChild(body);
    panel.appendChild(table);
  }

  function addValue(panel, title, value, id) {
    panel.appendChild(el("h4", { id: id + "-title" }, title));
    var block = el("pre", { id: id, "class": "value", tabindex: "0",
      "aria-labelledby": id + "-title" });
    if (value && typeof value === "object" && value.truncated === true) {
      block.textContent = value.preview;
      panel.appendChild(block);
      panel.appendChild(el("p", { "class": "hint" },
        "Truncated: " + value.chars + " characters in all (settings: console.max_value_chars)."));
      return;
    }
    block.textContent = formatValue(value);
    panel.appendChild(block);
  }

  // -- events --------------------------------------------------------------------------

  function loadEvents(token, uuid) {
    api("api/events" + query({ task: uuid, limit: 50 })).then(function (data) {
      if (token !== generation) { return; }
      var list = document.getElementById("task-events");
      if (!list) { return; }
      clear(list);
      if (!data.collected) {
        list.appendChild(el("li", { "class": "hint" }, "Events are not collected here."));
        return;
      }
      if (!data.events.length) {
        list.appendChild(el("li", { "class": "hint" },
          "No recent events for this task in this process."));
      }
      data.events.forEach(function (event) {
        var item = el("li");
        item.appendChild(el("time", { datetime: event.timestamp }, event.timestamp));
        item.appendChild(document.createTextNode(" "));
        item.appendChild(el("strong", null, event.name));
        if (event.step_name) {
          item.appendChild(document.createTextNode(" — " + event.step_name));
        }
        list.appendChild(item);
      });
    }).catch(function () { /* events are a nicety: the task view stays */ });
  }

  // -- start ---------------------------------------------------------------------------

  function start() {
    document.getElementById("mode").textContent = config.mode || "unknown";
    window.addEventListener("hashchange", route);
    route();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
