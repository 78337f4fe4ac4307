/*
 * RR-ALL Navigator: the embeddable chat widget.
 *
 *   <script src="https://navigator.example.org/widget.js" data-api-key="pk_..." defer></script>
 *
 * Plain JavaScript, no dependencies, nothing fetched from anywhere but the server the script came
 * from. Everything lives in a shadow root, so the host page's CSS cannot reach in and ours cannot
 * leak out. Text from the server (answers, passages, references, facts) only ever reaches the page
 * as text nodes: the Markdown renderer builds elements itself and never parses HTML.
 */
(() => {
  "use strict";

  if (window.RRALLNavigator) return; // the tag was included twice

  const script = document.currentScript ||
    Array.from(document.scripts).find((s) => /\/widget\.js(?:[?#]|$)/.test(s.src));
  if (!script || !script.src) return;

  // ---- configuration (data-* attributes of the script tag) -------------------------------------
  const options = script.dataset;
  const API_BASE = new URL(options.apiBase || ".", script.src).href.replace(/\/?$/, "/");
  const API_KEY = options.apiKey || "";
  const TITLE = options.title || "RR-ALL Navigator";
  const STORAGE_KEY = `rrall-navigator:session:${API_BASE}`;
  const OPEN_KEY = `rrall-navigator:open:${API_BASE}`;
  const MESSAGE_MAX = 4000;

  // ---- vocabulary ------------------------------------------------------------------------------
  const YES_NO = [["true", "Yes"], ["false", "No"]];
  // Patient facts as chips: the label a clinician reads and how the value is edited. They come from the
  // server's one vocabulary (GET /v1/vocabulary, tools/vocabulary.py), read when the panel first opens,
  // so a label is changed in one place for every surface. Until then a field shows its own name.
  const FIELDS = {};
  const capitalise = (text) => text.charAt(0).toUpperCase() + text.slice(1);

  async function loadVocabulary() {
    if (Object.keys(FIELDS).length) return;
    let vocabulary;
    try {
      vocabulary = await request("GET", "v1/vocabulary");
    } catch (_) {
      return; // chips fall back to the field names; nothing else depends on the labels
    }
    for (const field of vocabulary.fields || []) {
      const numeric = field.kind === "number" || field.kind === "integer";
      FIELDS[field.name] = {
        label: field.label, long: field.long, kind: numeric ? "number" : field.kind,
        min: field.minimum, max: field.maximum, unit: field.unit,
        ...(field.kind === "integer" ? { step: 1 } : {}),
        ...(field.kind === "choice" || field.kind === "multi"
          ? { choices: Object.entries(field.choices).map(([value, words]) => [value, capitalise(words)]) } : {}),
      };
    }
  }
  const AGENTS = {
    blinatumomab: ["Blinatumomab", "Blincyto"],
    inotuzumab_ozogamicin: ["Inotuzumab ozogamicin", "InO · Besponsa"],
    tisagenlecleucel: ["Tisagenlecleucel", "Kymriah · CD19 CAR T"],
  };
  const LABEL_STATUS = { on_label: "On label", off_label: "Off label", unknown: "Unknown" };
  const SEVERITIES = [["critical", "Critical"], ["warning", "Warning"], ["info", "Note"]];
  const STARTERS = [
    ["Assess an example patient",
      "45-year-old in first relapse, CD19 positive, CD22 60%, marrow blasts 80%. Which agent?"],
    ["INO-VATE response rates", "What were the CR/CRi rates with inotuzumab in INO-VATE?"],
    ["SOS risk after InO", "What are the risk factors for SOS after inotuzumab?"],
  ];

  // ---- DOM helpers: every string becomes a text node or an attribute value, never markup --------
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "class") el.className = value;
      else if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
      else el.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : String(child));
    }
    return el;
  }

  const ICONS = {
    chat: "M4 5.5A2.5 2.5 0 0 1 6.5 3h11A2.5 2.5 0 0 1 20 5.5v8a2.5 2.5 0 0 1-2.5 2.5H10l-4.2 3.6c-.5.4-1.3 0-1.3-.6V16A2.5 2.5 0 0 1 4 13.5z",
    close: "M6 6l12 12M18 6L6 18",
    send: "M4.5 12h13M12.5 6l6 6-6 6",
    plus: "M12 5v14M5 12h14",
    doc: "M7 3h7l5 5v13H7zM14 3v5h5M10 13h6M10 17h6",
    chevron: "M6 9l6 6 6-6",
  };

  function icon(name, size = 18) {
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", String(size));
    svg.setAttribute("height", String(size));
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    const path = document.createElementNS(ns, "path");
    path.setAttribute("d", ICONS[name]);
    svg.append(path);
    return svg;
  }

  let uid = 0;
  const nextId = (prefix) => `${prefix}-${++uid}`;

  // ---- safe Markdown: paragraphs, lists, headings, bold, italics, code, citation markers ---------
  const INLINE = [
    ["cite", /\[(\d{1,3})\]/],
    ["code", /`([^`\n]+)`/],
    ["strong", /\*\*(?=\S)([^]*?\S)\*\*/],
    ["strong", /__(?=\S)([^]*?\S)__(?!\w)/],
    // Emphasis needs a non-word character before it, so HIGH_DISEASE_BURDEN stays as written.
    ["em", /(^|[^\w*])\*([^\s*](?:[^*]*?[^\s*])?)\*(?![\w*])/],
    ["em", /(^|[^\w])_([^\s_](?:[^_]*?[^\s_])?)_(?!\w)/],
  ];

  function renderInline(text, ctx) {
    const out = document.createDocumentFragment();
    let rest = text;
    while (rest) {
      let best = null;
      for (const [kind, pattern] of INLINE) {
        const m = pattern.exec(rest);
        if (!m) continue;
        const lead = kind === "em" ? m[1].length : 0;
        const start = m.index + lead;
        if (!best || start < best.start) {
          best = { kind, start, end: m.index + m[0].length, inner: kind === "em" ? m[2] : m[1] };
        }
      }
      if (!best) {
        out.append(rest);
        break;
      }
      if (best.start > 0) out.append(rest.slice(0, best.start));
      if (best.kind === "cite") out.append(citationMarker(Number(best.inner), ctx));
      else if (best.kind === "code") out.append(h("code", null, best.inner));
      else out.append(h(best.kind, null, renderInline(best.inner, ctx)));
      rest = rest.slice(best.end);
    }
    return out;
  }

  // The server may end an answer with a recap of the patient facts; the chips above already show them,
  // so the recap is left out whenever the chips are on screen (and only then).
  const RECAP = /^\*\*Patient facts so far:\*\*/;
  function withoutRecap(markdown, chipsShown) {
    if (!chipsShown) return String(markdown);
    return String(markdown).replace(/\r\n?/g, "\n").split(/\n{2,}/)
      .filter((block) => !RECAP.test(block.trim())).join("\n\n");
  }

  function renderMarkdown(markdown, ctx) {
    const out = document.createDocumentFragment();
    let paragraph = null;
    let list = null;
    for (const raw of String(markdown).replace(/\r\n?/g, "\n").split("\n")) {
      const line = raw.trimEnd();
      let m;
      if (!line.trim()) {
        paragraph = list = null;
      } else if ((m = /^\s*[-*•]\s+(.*)$/.exec(line)) || (m = /^\s*(\d{1,3})[.)]\s+(.*)$/.exec(line))) {
        const ordered = m.length === 3;
        const tag = ordered ? "OL" : "UL";
        if (!list || list.tagName !== tag) {
          list = h(tag.toLowerCase(), ordered && m[1] !== "1" ? { start: m[1] } : null);
          out.append(list);
          paragraph = null;
        }
        list.append(h("li", null, renderInline(ordered ? m[2] : m[1], ctx)));
      } else if ((m = /^#{1,6}\s+(.*)$/.exec(line))) {
        out.append(h("p", { class: "md-heading" }, renderInline(m[1], ctx)));
        paragraph = list = null;
      } else if (list && /^\s{2,}\S/.test(raw)) {
        list.lastElementChild.append(" ", renderInline(line.trim(), ctx));
      } else {
        list = null;
        if (paragraph) paragraph.append(h("br"));
        else out.append((paragraph = h("p")));
        paragraph.append(renderInline(line, ctx));
      }
    }
    return out;
  }

  // ---- citations ---------------------------------------------------------------------------------
  // An updates citation reads "FDA, 2024-03-06" ("..., reported (secondary source)" for a secondary one).
  function updateLabel(cite) {
    const label = [cite.publisher || "Updates", cite.date || ""].filter(Boolean).join(", ");
    return cite.source_kind === "secondary" ? `${label}, reported (secondary source)` : label;
  }
  const isUpdate = (cite) => cite && cite.source === "updates";
  // Only a web address becomes a link: never javascript: or data: from a server answer.
  const safeUrl = (url) => (typeof url === "string" && /^https:\/\/[^\s"<>]+$/.test(url) ? url : null);

  function sourceLink(cite) {
    const url = safeUrl(cite.url);
    const label = updateLabel(cite);
    return url ? h("a", { class: "source-link", href: url, target: "_blank", rel: "noopener noreferrer" }, label)
      : h("span", { class: "source-link" }, label);
  }

  function citationMarker(n, ctx) {
    const cite = ctx && ctx.citations && ctx.citations.get(n);
    if (!cite) return h("span", { class: "cite cite-pending" }, String(n));
    const what = isUpdate(cite) ? `${cite.section}, ${updateLabel(cite)}` : cite.section;
    const button = h("button", {
      type: "button", class: isUpdate(cite) ? "cite cite-update" : "cite", "data-marker": n, "aria-expanded": "false",
      "aria-label": `Source ${n}: ${what}`, title: what,
    }, String(n));
    button.addEventListener("click", () => toggleSource(button, cite));
    return button;
  }

  function toggleSource(button, cite) {
    if (button._card && button._card.isConnected) {
      button._card.remove();
      button._card = null;
      button.setAttribute("aria-expanded", "false");
      return;
    }
    const id = nextId("source");
    const close = h("button", {
      type: "button", class: "icon-button source-close", "aria-label": `Close source ${cite.marker}`,
    }, icon("close", 14));
    const refs = cite.refs || [];
    const fulls = cite.references || [];
    const card = isUpdate(cite) ? updateCard(cite, id, close) : h("div", { class: "source", id, role: "region", "aria-label": `Source ${cite.marker}` },
      h("div", { class: "source-head" },
        h("span", { class: "source-marker" }, String(cite.marker)),
        h("span", { class: "source-section" }, cite.section),
        close),
      h("blockquote", { class: "source-text" }, cite.text),
      fulls.length
        ? h("div", { class: "source-refs" },
          h("div", { class: "source-label" }, fulls.length === 1 ? "Reference" : "References"),
          h("ol", null, fulls.map((ref, i) => h("li", { value: refs.length === fulls.length ? refs[i] : null }, ref))))
        : h("div", { class: "source-label source-none" }, "The review's own text; no numbered reference."),
      h("div", { class: "source-meta" }, `Curran & O'Brien, Semin Hematol 2020 · passage ${cite.passage_id}`));
    close.addEventListener("click", () => {
      toggleSource(button, cite);
      button.focus();
    });
    const block = button.closest("li, p, td, .quiz-prompt");
    if (block && (block.tagName === "LI" || block.tagName === "TD")) block.append(card);
    else if (block) block.after(card);
    else button.after(card);
    button._card = card;
    button.setAttribute("aria-expanded", "true");
    button.setAttribute("aria-controls", id);
    card.scrollIntoView({ block: "nearest", behavior: prefersReducedMotion() ? "auto" : "smooth" });
  }

  function updateCard(cite, id, close) {
    const secondary = cite.source_kind === "secondary";
    return h("div", { class: "source source-update", id, role: "region", "aria-label": `Source ${cite.marker}` },
      h("div", { class: "source-head" },
        h("span", { class: "source-marker" }, String(cite.marker)),
        h("span", { class: "source-section" }, `${cite.section} · `, sourceLink(cite)),
        close),
      h("blockquote", { class: "source-text" }, cite.text),
      h("div", { class: "source-meta" },
        `After the 2020 review · ${secondary ? "secondary source (reported)" : cite.source_kind || "updates"}` +
        ` · passage ${cite.passage_id}`));
  }

  const citationIndex = (citations) => new Map((citations || []).map((c) => [Number(c.marker), c]));
  const prefersReducedMotion = () => window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  // ---- facts -------------------------------------------------------------------------------------
  function fieldSpec(name) {
    return FIELDS[name] || { label: name.replace(/_/g, " "), long: name.replace(/_/g, " "), kind: "text" };
  }

  const plainName = (name) => fieldSpec(name).long.replace(/ \(.*\)$/, "");

  function describeValue(name, value) {
    const spec = fieldSpec(name);
    if (spec.kind === "bool") return value ? "Yes" : "No";
    if (spec.kind === "choice") return (spec.choices.find(([k]) => k === value) || [value, String(value)])[1];
    if (spec.kind === "multi") {
      const items = Array.isArray(value) ? value : [value];
      if (!items.length) return "None";
      return items.map((v) => (spec.choices.find(([k]) => k === v) || [v, String(v)])[1]).join(", ");
    }
    if (spec.kind === "number" && typeof value === "number") {
      const shown = Number.isInteger(value) ? String(value) : String(Math.round(value * 100) / 100);
      return shown + (spec.unit || "");
    }
    return String(value);
  }

  // ---- the API -----------------------------------------------------------------------------------
  class ApiProblem extends Error {
    constructor(status, message, fields) {
      super(message);
      this.status = status;
      this.fields = fields || [];
    }
  }

  function headers(extra) {
    const out = { Accept: "application/json", ...extra };
    if (API_KEY) out["X-API-Key"] = API_KEY;
    return out;
  }

  async function problemFrom(response) {
    let message = "";
    let fields = [];
    try {
      const body = await response.json();
      message = (body.error && body.error.message) || "";
      fields = (body.error && body.error.fields) || [];
    } catch (_) { /* not JSON: the status says enough */ }
    const retry = response.headers.get("Retry-After");
    const friendly = {
      401: "This page's key for the Navigator was not accepted. Please tell the site's administrator.",
      403: "This page is not allowed to use the Navigator. Please tell the site's administrator.",
      413: "That message is too long to send.",
      429: `Too many requests just now; please try again${retry ? ` in ${retry} s` : " shortly"}.`,
      503: "The Navigator is still starting up; please try again in a moment.",
    }[response.status];
    return new ApiProblem(response.status, friendly || message || `The Navigator answered ${response.status}.`,
      fields);
  }

  async function request(method, path, body) {
    let response;
    try {
      response = await fetch(API_BASE + path, {
        method,
        headers: headers(body ? { "Content-Type": "application/json" } : {}),
        body: body ? JSON.stringify(body) : undefined,
        credentials: "omit",
      });
    } catch (_) {
      throw new ApiProblem(0, "The Navigator could not be reached. Check the connection and try again.");
    }
    if (!response.ok) throw await problemFrom(response);
    return response.status === 204 ? null : response.json();
  }

  // Server-Sent Events from a fetch body: "event:" and "data:" lines, events separated by a blank line.
  async function* serverSentEvents(body) {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    const parse = (block) => {
      let event = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (!line || line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "event") event = value;
        else if (field === "data") data.push(value);
      }
      return data.length ? { event, data: data.join("\n") } : null;
    };
    for (;;) {
      const { value, done } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      // A "\r" at the end may be the first half of "\r\n": keep it until the next chunk.
      const held = !done && buffer.endsWith("\r") ? "\r" : "";
      let text = (held ? buffer.slice(0, -1) : buffer).replace(/\r\n?/g, "\n");
      let end;
      while ((end = text.indexOf("\n\n")) >= 0) {
        const event = parse(text.slice(0, end));
        text = text.slice(end + 2);
        if (event) yield event;
      }
      buffer = text + held;
      if (done) break;
    }
    const last = parse(buffer.replace(/\r\n?/g, "\n"));
    if (last) yield last;
  }

  async function streamChat(message, sessionId, onToken) {
    let response;
    try {
      response = await fetch(`${API_BASE}v1/chat`, {
        method: "POST",
        headers: headers({ "Content-Type": "application/json", Accept: "text/event-stream" }),
        body: JSON.stringify(sessionId ? { message, session_id: sessionId } : { message }),
        credentials: "omit",
      });
    } catch (_) {
      throw new ApiProblem(0, "The Navigator could not be reached. Check the connection and try again.");
    }
    if (!response.ok) throw await problemFrom(response);
    const type = response.headers.get("Content-Type") || "";
    if (!type.includes("text/event-stream") || !response.body) return response.json(); // a buffering proxy
    for await (const { event, data } of serverSentEvents(response.body)) {
      if (event === "token") onToken(JSON.parse(data).text || "");
      else if (event === "final") return JSON.parse(data);
    }
    throw new ApiProblem(0, "The answer was cut off. Please try again.");
  }

  // ---- storage (may be unavailable: private modes, sandboxed frames) ----------------------------
  // Even reading window.localStorage can throw, so the area is named and looked up inside the try.
  const store = {
    get(key, area = "localStorage") {
      try { return window[area].getItem(key); } catch (_) { return null; }
    },
    set(key, value, area = "localStorage") {
      try {
        if (value === null) window[area].removeItem(key);
        else window[area].setItem(key, value);
      } catch (_) { /* the conversation simply will not survive a reload */ }
    },
  };

  // ---- the widget --------------------------------------------------------------------------------
  const state = {
    // data-session-id (a CDS Hooks card's link opens /widget?session=...) wins over the stored one.
    sessionId: options.sessionId || store.get(STORAGE_KEY),
    patient: {},
    fresh: new Set(),
    busy: false,
    restored: false,
    editing: null,
  };

  const host = h("div", { id: "rrall-navigator", "data-rrall-widget": "" });
  const root = host.attachShadow({ mode: "open" });

  const titleId = nextId("title");
  const launcher = h("button", {
    type: "button", class: "launcher", "aria-expanded": "false", "aria-controls": "panel", title: `Open ${TITLE}`,
  }, icon("chat", 20), h("span", { class: "launcher-text" }, "Ask the Navigator"));

  const closeButton = h("button", { type: "button", class: "icon-button", "aria-label": `Close ${TITLE}` },
    icon("close", 18));
  const newPatientButton = h("button", { type: "button", class: "header-button" },
    icon("plus", 16), h("span", null, "New patient"));
  newPatientButton.setAttribute("aria-label", "New patient: erase this conversation and its facts");

  const factsList = h("ul", { class: "chips", "aria-label": "Patient facts" });
  const factsEditor = h("div", { class: "chip-editor", hidden: true });
  factsList.id = "facts-chips";
  const factsCount = h("span", { class: "facts-count" });
  const factsHint = h("span", { class: "facts-hint" }, "Select a fact to correct it");
  const factsToggle = h("button", {
    type: "button", class: "facts-toggle", "aria-expanded": "true", "aria-controls": "facts-chips",
  }, icon("chevron", 14), h("span", { class: "facts-title", id: "facts-title" }, "Patient"), factsCount);
  const facts = h("section", { class: "facts", hidden: true, "aria-labelledby": "facts-title" },
    h("div", { class: "facts-head" }, factsToggle, factsHint),
    factsList, factsEditor);
  // On a phone the chips would push the conversation off screen: they start folded there, and the
  // header still says how many facts are known. Once the user opens or folds them, that choice stays.
  const PHONE = window.matchMedia ? window.matchMedia("(max-width: 480px)") : { matches: false };
  let factsOpen = null;
  function showFacts(open) {
    factsToggle.setAttribute("aria-expanded", String(open));
    factsList.hidden = !open;
    factsHint.hidden = !open;
    facts.classList.toggle("facts-collapsed", !open);
  }
  factsToggle.addEventListener("click", () => {
    factsOpen = factsToggle.getAttribute("aria-expanded") !== "true";
    showFacts(factsOpen);
  });

  const log = h("div", {
    class: "log", role: "log", "aria-live": "polite", "aria-relevant": "additions text",
    "aria-label": "Conversation", tabindex: "-1",
  });
  const status = h("div", { class: "sr-only", role: "status", "aria-live": "polite" });
  const input = h("textarea", {
    id: "message", rows: "1", maxlength: String(MESSAGE_MAX), autocomplete: "off",
    placeholder: "Describe a patient or ask about the evidence…", "aria-describedby": "composer-hint",
  });
  const sendButton = h("button", { type: "submit", class: "send", "aria-label": "Send" }, icon("send", 18));
  const composer = h("form", { class: "composer", novalidate: true },
    h("label", { for: "message", class: "sr-only" }, "Message to the Navigator"),
    input, sendButton);
  const panel = h("div", {
    id: "panel", class: "panel", role: "dialog", "aria-modal": "false", "aria-labelledby": titleId, hidden: true,
  },
  h("header", { class: "header" },
    h("div", { class: "brand" },
      h("span", { class: "brand-mark", "aria-hidden": "true" }, "RR"),
      h("div", null,
        h("h2", { class: "title", id: titleId }, TITLE),
        h("p", { class: "subtitle" }, "R/R B-ALL decision support"))),
    h("div", { class: "header-actions" }, newPatientButton, closeButton)),
  facts, log,
  h("div", { class: "footer" },
    composer,
    h("p", { class: "hint", id: "composer-hint" },
      "Decision support only: one 2020 review, dated label changes since it, and fixed rules. Enter sends, Shift+Enter adds a line.")),
  status);
  root.append(launcher, panel);
  if (options.position === "left") host.classList.add("left");

  // ---- open, close, keyboard ----------------------------------------------------------------------
  function open() {
    if (!panel.hidden) {
      input.focus();
      return;
    }
    panel.hidden = false;
    launcher.hidden = true;
    launcher.setAttribute("aria-expanded", "true");
    store.set(OPEN_KEY, "1", "sessionStorage");
    if (!state.restored) restore();
    input.focus();
  }

  function close() {
    if (panel.hidden) return;
    panel.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute("aria-expanded", "false");
    store.set(OPEN_KEY, null, "sessionStorage");
    launcher.focus();
  }

  launcher.addEventListener("click", open);
  closeButton.addEventListener("click", close);
  newPatientButton.addEventListener("click", () => newPatient());
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !event.defaultPrevented) {
      event.preventDefault();
      close();
    }
  });
  // Any element of the host page marked data-rrall-open opens the chat.
  document.addEventListener("click", (event) => {
    const opener = event.target instanceof Element && event.target.closest("[data-rrall-open]");
    if (opener) {
      event.preventDefault();
      open();
    }
  });

  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      composer.requestSubmit();
    }
  });
  input.addEventListener("input", autosize);
  composer.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (text) send(text);
  });

  function autosize() {
    input.style.height = "auto";
    input.style.height = `${Math.min(input.scrollHeight, 140)}px`;
  }

  function announce(text) {
    status.textContent = "";
    window.setTimeout(() => { status.textContent = text; }, 50);
  }

  function scrollToEnd() {
    log.scrollTop = log.scrollHeight;
  }

  // Follow a growing answer, but never scroll its question out of view: a long answer is read from the top.
  function follow(anchor) {
    const end = log.scrollHeight - log.clientHeight;
    log.scrollTop = Math.min(end, Math.max(0, anchor.offsetTop - 12));
  }

  // ---- messages ------------------------------------------------------------------------------------
  function userMessage(text) {
    const el = h("div", { class: "msg msg-user" }, h("span", { class: "sr-only" }, "You: "),
      h("div", { class: "bubble" }, text));
    log.append(el);
    return el;
  }

  function assistantMessage() {
    const body = h("div", { class: "md" });
    const el = h("div", { class: "msg msg-assistant" }, h("span", { class: "sr-only" }, "Navigator: "), body);
    log.append(el);
    return { el, body };
  }

  function noteMessage(text, kind = "note") {
    const el = h("div", { class: `notice notice-${kind}`, role: kind === "error" ? "alert" : null }, text);
    log.append(el);
    scrollToEnd();
    return el;
  }

  function typingIndicator() {
    return h("div", { class: "typing", "aria-hidden": "true" }, h("span"), h("span"), h("span"));
  }

  function clearSuggestions() {
    for (const el of log.querySelectorAll(".suggestions, .welcome-starters")) el.remove();
  }

  function showWelcome() {
    log.append(h("div", { class: "welcome" },
      h("p", { class: "welcome-title" }, "How can I help with this patient?"),
      h("p", null, "I support choosing and sequencing blinatumomab, inotuzumab ozogamicin and tisagenlecleucel " +
        "in relapsed/refractory B-ALL. Every statement is cited to Curran & O'Brien (Semin Hematol 2020)."),
      h("p", { class: "welcome-small" }, "Describe the patient in your own words: age, disease setting, marrow " +
        "blasts, CD19/CD22, prior therapy and transplant history.")),
    suggestionButtons(STARTERS.map(([label, message]) => ({ label, message })), "welcome-starters"));
  }

  function suggestionButtons(items, className = "suggestions") {
    return h("div", { class: className, role: "group", "aria-label": "Suggested questions" },
      items.map(({ label, message }) => h("button", {
        type: "button", class: "suggestion", title: message,
        // The assistant's own "new patient" suggestion does what the header's button does.
        onclick: () => (/^\s*new patient\s*$/i.test(message) ? newPatient() : send(message)),
      }, label)));
  }

  async function send(text) {
    if (state.busy) return;
    if (state.editing) closeEditor();
    state.busy = true;
    sendButton.disabled = true;
    log.setAttribute("aria-busy", "true");
    clearSuggestions();
    for (const el of log.querySelectorAll(".welcome")) el.remove();
    input.value = "";
    autosize();
    if (!root.activeElement || root.activeElement !== input) input.focus();
    const question = userMessage(text);
    const { el, body } = assistantMessage();
    body.append(typingIndicator());
    follow(question);
    announce("The Navigator is answering…");

    let streamed = "";
    let frame = 0;
    const paint = () => {
      frame = 0;
      body.replaceChildren(renderMarkdown(withoutRecap(streamed, true), null),
        h("span", { class: "caret", "aria-hidden": "true" }));
      follow(question);
    };
    // The first piece shows at once; later ones are painted at most once a frame.
    const onToken = (piece) => {
      const first = !streamed;
      streamed += piece;
      if (first) paint();
      else if (!frame) frame = window.requestAnimationFrame(paint);
    };
    try {
      let reply;
      try {
        reply = await streamChat(text, state.sessionId, onToken);
      } catch (problem) {
        if (problem.status !== 404 || !state.sessionId) throw problem;
        // The stored session expired on the server: start a new one with this message.
        setSession(null);
        setPatient({});
        noteMessage("The earlier conversation has expired on the server, so this starts a new one.");
        streamed = "";
        reply = await streamChat(text, null, onToken);
      }
      if (frame) window.cancelAnimationFrame(frame);
      setSession(reply.session_id);
      state.fresh = new Set(Object.keys(reply.understood || {}));
      setPatient(reply.patient || {});
      renderAnswer(el, body, reply);
      follow(question);
      announce("Answer ready.");
    } catch (problem) {
      if (frame) window.cancelAnimationFrame(frame);
      const asked = el.previousElementSibling;
      el.remove();
      const retry = h("button", { type: "button", class: "link-button" }, "Try again");
      const note = noteMessage(problem.message || "Something went wrong.", "error");
      note.append(" ", retry);
      retry.addEventListener("click", () => {
        if (asked && asked.classList.contains("msg-user")) asked.remove();
        note.remove();
        send(text);
      });
    } finally {
      state.busy = false;
      sendButton.disabled = false;
      log.removeAttribute("aria-busy");
    }
  }

  function renderAnswer(el, body, reply) {
    const ctx = { citations: citationIndex(reply.citations) };
    body.replaceChildren(renderMarkdown(withoutRecap(reply.answer || "", chipsShown()), ctx));
    const hypothetical = Object.entries(reply.hypothetical || {});
    if (hypothetical.length) {
      el.append(h("p", { class: "meta" }, "Assumed for this answer only: " +
        hypothetical.map(([k, v]) => `${fieldSpec(k).label} ${describeValue(k, v)}`).join("; ")));
    }
    if (reply.assessment && Array.isArray(reply.assessment.agents)) el.append(assessmentTable(reply.assessment));
    if (reply.quiz) el.append(quizCard(reply.quiz, ctx));
    if (reply.answered_by === "llm") {
      el.append(h("p", { class: "meta" }, "Worded by a language model and checked against the cited passages."));
    }
    if (reply.suggestions && reply.suggestions.length) log.append(suggestionButtons(reply.suggestions));
  }

  function assessmentTable(assessment) {
    const rows = assessment.agents.map((agent) => {
      const [name, brand] = AGENTS[agent.agent] || [agent.agent, ""];
      const status = agent.label_status || "unknown";
      const flags = agent.flags || [];
      const groups = SEVERITIES.map(([severity, label]) => {
        const items = flags.filter((f) => f.severity === severity);
        if (!items.length) return null;
        return h("div", { class: `severity severity-${severity}` },
          h("div", { class: "severity-title" }, `${label} · ${items.length}`),
          h("ul", null, items.map((flag) => h("li", { "data-code": flag.code, title: flag.message || "" },
            h("span", { class: "flag-summary" }, flag.summary || flag.message || flag.code),
            " ", h("span", { class: "flag-code" }, flag.code)))));
      });
      return h("tbody", { "data-agent": agent.agent },
        h("tr", { class: "agent-row" },
          h("th", { scope: "row" }, h("span", { class: "agent-name" }, name), h("span", { class: "agent-brand" }, brand)),
          h("td", null, h("span", { class: `pill pill-${status}`, title: agent.label_reason || null },
            LABEL_STATUS[status] || status), labelNow(agent)),
          h("td", null, h("span", { class: `pill ${agent.suitable ? "pill-yes" : "pill-no"}` },
            agent.suitable ? "Suitable" : "Not suitable"))),
        h("tr", { class: "flags-row" },
          h("td", { colspan: "3", "aria-label": `Flags for ${name}` },
            flags.length ? groups : h("span", { class: "no-flags" }, "No flags"))));
    });
    const missing = (assessment.missing || []).map(plainName);
    const later = laterApprovals(assessment);
    return h("section", { class: "assessment", "aria-label": "Assessment" },
      h("div", { class: "assessment-title" }, "Assessment",
        h("span", null, "label status as the review gives it (2020)")),
      h("table", null,
        h("caption", { class: "sr-only" }, "Label status, suitability and flags for each agent"),
        h("thead", null, h("tr", null,
          h("th", { scope: "col" }, "Agent"), h("th", { scope: "col" }, "Label"),
          h("th", { scope: "col" }, "Suitable"))),
        rows),
      later,
      missing.length ? h("p", { class: "missing", title: missing.join(", ") }, "Would sharpen this: " +
        (missing.length > 4 ? `${missing.slice(0, 4).join(", ")} and ${missing.length - 4} more.` : `${missing.join(", ")}.`))
        : null);
  }

  // The current edition beside the review's: shown when it differs, so 2020 is never shown as today.
  function labelNow(agent) {
    const now = agent.label_now;
    if (!now || now.status === agent.label_status) return null;
    return h("span", { class: `pill pill-now pill-${now.status}`, title: `Current label as of ${now.as_of}` },
      `Now: ${(LABEL_STATUS[now.status] || now.status).toLowerCase()}`);
  }

  function laterApprovals(assessment) {
    const later = assessment.later_approvals || [];
    if (!later.length) return null;
    return h("div", { class: "later", "aria-label": "Approved after the review" },
      h("div", { class: "later-title" }, "Approved after the review"),
      h("ul", null, later.map((item) => h("li", { "data-agent": item.agent },
        h("span", { class: "agent-name" }, String(item.agent).replace(/_/g, " ")), " ",
        h("span", { class: `pill pill-${item.label_status}` }, LABEL_STATUS[item.label_status] || item.label_status), " ",
        (item.citations || []).map((c) => sourceLink(c))))),
      assessment.later_approvals_note ? h("p", { class: "later-note" }, assessment.later_approvals_note) : null);
  }

  function quizCard(quiz, ctx) {
    const promptId = nextId("quiz");
    const optionsEl = h("div", { class: "quiz-options" });
    const card = h("div", { class: "quiz", role: "group", "aria-labelledby": promptId },
      h("div", { class: "quiz-kicker" }, quiz.topic ? `Self-test · ${quiz.topic}` : "Self-test"),
      h("div", { class: "quiz-prompt", id: promptId }, renderInline(quiz.prompt || "", ctx)),
      optionsEl);
    for (const option of quiz.options || []) {
      const button = h("button", { type: "button", class: "quiz-option", "aria-pressed": "false" },
        h("span", { class: "quiz-key", "aria-hidden": "true" }, option.key),
        h("span", { class: "sr-only" }, `Option ${option.key}: `),
        h("span", null, option.text));
      button.addEventListener("click", () => {
        for (const b of optionsEl.querySelectorAll("button")) b.disabled = true;
        button.setAttribute("aria-pressed", "true");
        send(option.key);
      });
      optionsEl.append(button);
    }
    if (!(quiz.options || []).length) optionsEl.append(h("p", { class: "meta" }, "Type your answer below."));
    return card;
  }

  // ---- sessions -----------------------------------------------------------------------------------
  function setSession(id) {
    state.sessionId = id;
    store.set(STORAGE_KEY, id);
  }

  async function restore() {
    state.restored = true;
    await loadVocabulary();
    if (!state.sessionId) {
      showWelcome();
      return;
    }
    const loading = h("div", { class: "msg msg-assistant" }, typingIndicator());
    log.append(loading);
    try {
      const session = await request("GET", `v1/sessions/${encodeURIComponent(state.sessionId)}`);
      loading.remove();
      setPatient(session.patient || {});
      for (const turn of session.transcript || []) {
        if (turn.role === "user") userMessage(turn.text);
        else {
          assistantMessage().body.append(renderMarkdown(withoutRecap(turn.text, chipsShown()),
            { citations: citationIndex(turn.citations) }));
        }
      }
      if (!(session.transcript || []).length) showWelcome();
      scrollToEnd();
    } catch (problem) {
      loading.remove();
      if (problem.status === 404) {
        setSession(null);
        showWelcome();
        noteMessage("The earlier conversation has expired, so this is a fresh start.");
      } else {
        state.restored = false;
        noteMessage(problem.message, "error");
      }
    }
  }

  async function newPatient() {
    if (state.busy) return;
    if (state.sessionId) {
      try {
        await request("DELETE", `v1/sessions/${encodeURIComponent(state.sessionId)}`);
      } catch (problem) {
        if (problem.status !== 404) {
          noteMessage(`The conversation could not be erased: ${problem.message}`, "error");
          return;
        }
      }
    }
    setSession(null);
    closeEditor();
    setPatient({});
    log.replaceChildren();
    showWelcome();
    state.restored = true;
    input.value = "";
    input.focus();
    announce("New patient. The earlier conversation and its facts were erased.");
  }

  // ---- fact chips -----------------------------------------------------------------------------------
  function setPatient(patient) {
    state.patient = patient || {};
    const names = Object.keys(state.patient).filter((k) => state.patient[k] !== null);
    const ordered = [...Object.keys(FIELDS).filter((k) => names.includes(k)), ...names.filter((k) => !FIELDS[k])];
    factsList.replaceChildren(...ordered.map((name) => {
      const spec = fieldSpec(name);
      const value = describeValue(name, state.patient[name]);
      const edit = h("button", { type: "button", class: "chip-edit", "data-field": name, title: `Correct ${plainName(name)}` },
        h("span", { class: "sr-only" }, "Correct "),
        h("span", { class: "chip-label" }, spec.label), h("span", { class: "chip-value" }, value));
      const remove = h("button", {
        type: "button", class: "chip-remove", "data-field": name, "aria-label": `Remove ${plainName(name)}`,
        title: `Remove ${plainName(name)}`,
      }, icon("close", 12));
      edit.addEventListener("click", () => openEditor(name));
      remove.addEventListener("click", () => patchFact(name, null));
      return h("li", { class: `chip${state.fresh.has(name) ? " chip-fresh" : ""}`, "data-field": name }, edit, remove);
    }));
    facts.hidden = ordered.length === 0;
    factsCount.textContent = `· ${ordered.length} ${ordered.length === 1 ? "fact" : "facts"}`;
    showFacts(factsOpen ?? !PHONE.matches);
  }

  function chipsShown() {
    return !facts.hidden && factsList.childElementCount > 0;
  }

  function openEditor(name) {
    const spec = fieldSpec(name);
    const current = state.patient[name];
    const controlId = nextId("fact");
    let control;
    if (spec.kind === "bool" || spec.kind === "choice") {
      const choices = spec.kind === "bool" ? YES_NO : spec.choices;
      control = h("select", { id: controlId },
        choices.map(([value, label]) => h("option", { value, selected: String(current) === value }, label)));
    } else if (spec.kind === "multi") {
      const chosen = new Set(Array.isArray(current) ? current : []);
      control = h("div", { class: "checks", id: controlId, role: "group", "aria-label": spec.long },
        spec.choices.map(([value, label]) => h("label", null,
          h("input", { type: "checkbox", value, checked: chosen.has(value) }), label)));
    } else {
      control = h("input", {
        id: controlId, type: spec.kind === "number" ? "number" : "text", value: current ?? "",
        min: spec.min, max: spec.max, step: spec.step || "any", inputmode: spec.kind === "number" ? "decimal" : null,
      });
    }
    const error = h("p", { class: "chip-error", role: "alert" });
    const save = h("button", { type: "submit", class: "primary-button" }, "Save");
    const cancel = h("button", { type: "button", class: "ghost-button" }, "Cancel");
    const form = h("form", { class: "chip-form", novalidate: true, "aria-label": `Correct ${spec.long}` },
      h("label", { for: controlId, class: "chip-form-label" }, spec.long),
      h("div", { class: "chip-form-row" }, control, save, cancel), error);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      let value;
      if (spec.kind === "bool") value = control.value === "true";
      else if (spec.kind === "choice") value = control.value;
      else if (spec.kind === "multi") value = [...control.querySelectorAll("input:checked")].map((c) => c.value);
      else if (spec.kind === "number") {
        const raw = control.value.trim();
        if (!raw) {
          error.textContent = "Enter a value, or use the remove button to clear this fact.";
          return;
        }
        value = Number.isFinite(Number(raw)) ? Number(raw) : raw;
      } else value = control.value;
      await patchFact(name, value, error);
    });
    cancel.addEventListener("click", () => closeEditor(name));
    form.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault(); // handled here: the panel stays open
        event.stopPropagation();
        closeEditor(name);
      }
    });
    state.editing = name;
    factsEditor.replaceChildren(form);
    factsEditor.hidden = false;
    (control.matches("div") ? control.querySelector("input") : control).focus();
  }

  function closeEditor(focusField) {
    state.editing = null;
    factsEditor.hidden = true;
    factsEditor.replaceChildren();
    if (focusField) focusChip(focusField);
  }

  function focusChip(name) {
    const chip = factsList.querySelector(`button.chip-edit[data-field="${CSS.escape(name)}"]`);
    if (chip) chip.focus();
    else input.focus();
  }

  async function patchFact(name, value, errorEl) {
    if (!state.sessionId) return;
    const order = [...factsList.querySelectorAll("li")].map((li) => li.dataset.field);
    try {
      const session = await request("PATCH", `v1/sessions/${encodeURIComponent(state.sessionId)}`,
        { patient: { [name]: value } });
      state.fresh = new Set(value === null ? [] : [name]);
      setPatient(session.patient || {});
      closeEditor();
      if (value === null) {
        const next = order[order.indexOf(name) + 1] || order[order.indexOf(name) - 1];
        if (next && next in state.patient) focusChip(next);
        else input.focus();
        noteMessage(`Removed ${plainName(name)}. The next answer works without it.`);
        announce(`${plainName(name)} removed.`);
      } else {
        const shown = describeValue(name, session.patient[name]);
        focusChip(name);
        noteMessage(`Corrected ${plainName(name)} to ${shown}. The next answer uses it.`);
        announce(`${plainName(name)} set to ${shown}.`);
        clearSuggestions();
        log.append(suggestionButtons([{ label: "Re-assess with this correction", message: "Which agent fits this patient now?" }]));
        scrollToEnd();
      }
    } catch (problem) {
      const field = (problem.fields || []).find((f) => String(f.field).endsWith(name));
      const text = field ? field.problem : problem.message;
      if (errorEl) errorEl.textContent = text;
      else noteMessage(text, "error");
    }
  }

  // ---- styles --------------------------------------------------------------------------------------
  function applyStyles(shadow) {
    const css = STYLES;
    if ("adoptedStyleSheets" in Document.prototype && typeof CSSStyleSheet === "function") {
      try {
        const sheet = new CSSStyleSheet();
        sheet.replaceSync(css); // not subject to a host page's style-src CSP, unlike <style>
        shadow.adoptedStyleSheets = [sheet];
        return;
      } catch (_) { /* fall through */ }
    }
    const style = document.createElement("style");
    style.textContent = css;
    shadow.append(style);
  }

  const STYLES = `
:host { all: initial; }
:host {
  --accent: #0e6a82; --accent-strong: #0a5063; --accent-soft: #e7f2f5; --accent-ring: rgba(14,106,130,.35);
  --ink: #16232d; --muted: #5a6b78; --faint: #5f6f7c; --line: #dbe3e9; --canvas: #f4f7f9; --panel: #ffffff;
  --crit: #b42318; --crit-bg: #fef3f2; --crit-line: #fbd4d0;
  --warn: #8a4a0b; --warn-bg: #fff8eb; --warn-line: #f8dfaa;
  --info: #24578f; --info-bg: #f0f6fc; --info-line: #cfe0f2;
  --ok: #0b6b43; --ok-bg: #ecf8f1;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 14px; line-height: 1.5; color: var(--ink);
}
*, *::before, *::after { box-sizing: border-box; }
[hidden] { display: none !important; }
button, input, select, textarea { font: inherit; color: inherit; }
button { cursor: pointer; }
:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; border-radius: 6px; }
.sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; border: 0; }

.launcher { position: fixed; right: 24px; bottom: 24px; z-index: 2147483000; display: inline-flex;
  align-items: center; gap: 10px; padding: 12px 20px 12px 16px; border: 0; border-radius: 999px;
  background: var(--accent); color: #fff; font-weight: 600; letter-spacing: .01em;
  box-shadow: 0 8px 24px rgba(10,60,80,.28), 0 2px 6px rgba(10,60,80,.18); transition: background .15s, transform .15s; }
.launcher:hover { background: var(--accent-strong); transform: translateY(-1px); }
.launcher svg path { fill: none; stroke: currentColor; stroke-width: 1.8; stroke-linejoin: round; }
.launcher:focus-visible { outline: 3px solid #fff; box-shadow: 0 0 0 6px var(--accent); border-radius: 999px; }
:host(.left) .launcher { right: auto; left: 24px; }

.panel { position: fixed; right: 24px; bottom: 24px; z-index: 2147483000; width: 440px;
  height: min(720px, calc(100vh - 48px)); display: flex; flex-direction: column; overflow: hidden;
  background: var(--panel); border: 1px solid var(--line); border-radius: 16px;
  box-shadow: 0 24px 64px rgba(16,35,48,.22), 0 4px 14px rgba(16,35,48,.10); }
:host(.left) .panel { right: auto; left: 24px; }

.header { flex: none; display: flex; align-items: center; justify-content: space-between; gap: 8px;
  padding: 14px 14px 14px 16px; background: var(--accent); color: #fff; }
.brand { display: flex; align-items: center; gap: 10px; min-width: 0; }
.brand-mark { flex: none; display: grid; place-items: center; width: 34px; height: 34px; border-radius: 10px;
  background: var(--accent-strong); font-weight: 700; font-size: 13px; letter-spacing: .04em; }
.title { margin: 0; font-size: 15px; font-weight: 650; line-height: 1.25; }
.subtitle { margin: 0; font-size: 12px; opacity: .82; }
.header-actions { display: flex; align-items: center; gap: 4px; flex: none; }
.header-button { display: inline-flex; align-items: center; gap: 6px; padding: 6px 10px; border-radius: 8px;
  border: 1px solid rgba(255,255,255,.35); background: transparent; color: #fff; font-size: 13px; font-weight: 550; }
.header-button:hover { background: rgba(255,255,255,.12); }
.header svg path, .icon-button svg path, .chip-remove svg path, .send svg path, .header-button svg path {
  fill: none; stroke: currentColor; stroke-width: 2; stroke-linecap: round; stroke-linejoin: round; }
.icon-button { display: inline-grid; place-items: center; width: 34px; height: 34px; padding: 0; border: 0;
  border-radius: 8px; background: transparent; color: inherit; }
.header .icon-button:hover { background: rgba(255,255,255,.14); }
.header :focus-visible { outline-color: #fff; }

.facts { flex: none; padding: 10px 14px 10px; border-bottom: 1px solid var(--line); background: var(--canvas);
  max-height: 34%; overflow-y: auto; }
.facts-head { display: flex; align-items: baseline; justify-content: space-between; margin-bottom: 6px; }
.facts-title { font-size: 12px; font-weight: 700; text-transform: uppercase; letter-spacing: .08em; color: var(--muted); }
.facts-toggle { display: inline-flex; align-items: center; gap: 6px; min-height: 24px; margin: -3px 0 -3px -6px;
  padding: 2px 6px; border: 0; border-radius: 6px; background: transparent; }
.facts-toggle:hover { background: var(--line); }
.facts-toggle svg { transition: transform .15s; }
.facts-toggle[aria-expanded=false] svg { transform: rotate(-90deg); }
.facts-count { font-size: 12px; font-weight: 500; color: var(--muted); text-transform: none; letter-spacing: 0; }
.facts-hint { font-size: 12px; color: var(--muted); }
.facts-collapsed .facts-head { margin-bottom: 0; }
.chips { display: flex; flex-wrap: wrap; gap: 6px; margin: 0; padding: 0; list-style: none; }
.chip { display: inline-flex; align-items: stretch; border: 1px solid var(--line); border-radius: 999px;
  background: #fff; overflow: hidden; transition: border-color .2s, box-shadow .2s; }
.chip-fresh { border-color: var(--accent); box-shadow: 0 0 0 2px var(--accent-soft); }
.chip-edit { display: inline-flex; align-items: baseline; gap: 5px; min-height: 26px; padding: 4px 4px 4px 10px; border: 0;
  background: transparent; font-size: 12.5px; }
.chip-label { color: var(--muted); }
.chip-value { font-weight: 650; color: var(--ink); }
.chip-edit:hover .chip-value { color: var(--accent); text-decoration: underline; text-underline-offset: 2px; }
.chip-remove { display: inline-grid; place-items: center; width: 28px; min-height: 26px; padding: 0; border: 0;
  background: transparent; color: var(--muted); }
.chip-remove:hover { color: var(--crit); background: var(--crit-bg); }
.chip :focus-visible { outline: none; box-shadow: inset 0 0 0 2px var(--accent); border-radius: 999px; }
.chip-editor { margin-top: 10px; }
.chip-form { padding: 10px; border: 1px solid var(--line); border-radius: 10px; background: #fff; }
.chip-form-label { display: block; margin-bottom: 6px; font-size: 12px; font-weight: 600; color: var(--muted); }
.chip-form-row { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
.chip-form-row input[type=number], .chip-form-row input[type=text], .chip-form-row select {
  flex: 1 1 120px; min-width: 0; padding: 6px 8px; border: 1px solid #c5d1da; border-radius: 8px; background: #fff; }
.checks { display: flex; flex-wrap: wrap; gap: 4px 12px; flex: 1 1 100%; font-size: 13px; }
.checks label { display: inline-flex; align-items: center; gap: 4px; }
.chip-error { margin: 6px 0 0; color: var(--crit); font-size: 12.5px; }
.chip-error:empty { display: none; }
.primary-button { padding: 6px 14px; border: 0; border-radius: 8px; background: var(--accent); color: #fff; font-weight: 600; }
.primary-button:hover { background: var(--accent-strong); }
.ghost-button { padding: 6px 12px; border: 1px solid var(--line); border-radius: 8px; background: #fff; }
.ghost-button:hover { background: var(--canvas); }

.log { position: relative; flex: 1 1 auto; min-height: 0; overflow-y: auto; padding: 16px 14px 8px; background: #fff; }
.log:focus { outline: none; }
@media (prefers-reduced-motion: reduce) { .log { scroll-behavior: auto; } * { transition: none !important; animation: none !important; } }
.msg { margin: 0 0 14px; }
.msg-user { display: flex; justify-content: flex-end; }
.msg-user .bubble { max-width: 85%; padding: 8px 12px; border-radius: 14px 14px 4px 14px; background: var(--accent-soft);
  color: #0c3b48; white-space: pre-wrap; overflow-wrap: anywhere; }
.msg-assistant { padding: 2px 2px 2px 12px; border-left: 3px solid var(--accent-soft); overflow-wrap: anywhere; }
.md p { margin: 0 0 8px; }
.md ul, .md ol { margin: 0 0 8px; padding-left: 20px; }
.md li { margin: 0 0 5px; }
.md li::marker { color: var(--faint); }
.md strong { font-weight: 650; }
.md em { color: var(--muted); }
.md code { padding: 1px 4px; border-radius: 4px; background: var(--canvas); font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12.5px; }
.md-heading { font-weight: 650; }
.cite { display: inline-grid; place-items: center; min-width: 24px; height: 24px; margin: 0 2px; padding: 0 5px;
  vertical-align: 2px; border: 1px solid #b9d6df; border-radius: 5px; background: var(--accent-soft);
  color: var(--accent-strong); font-size: 12px; font-weight: 700; line-height: 1; vertical-align: 1px; }
button.cite:hover, button.cite[aria-expanded=true] { background: var(--accent); border-color: var(--accent); color: #fff; }
.cite-pending { opacity: .6; }
.caret { display: inline-block; width: 7px; height: 14px; margin-left: 2px; vertical-align: -2px; background: var(--accent);
  animation: blink 1s steps(2) infinite; }
@keyframes blink { 50% { opacity: 0; } }
.typing { display: inline-flex; gap: 4px; padding: 6px 0; }
.typing span { width: 6px; height: 6px; border-radius: 50%; background: var(--faint); animation: bounce 1.2s infinite; }
.typing span:nth-child(2) { animation-delay: .15s; } .typing span:nth-child(3) { animation-delay: .3s; }
@keyframes bounce { 0%, 60%, 100% { opacity: .35; transform: none; } 30% { opacity: 1; transform: translateY(-3px); } }

.source { margin: 8px 0 10px; padding: 10px 12px; border: 1px solid var(--line); border-left: 3px solid var(--accent);
  border-radius: 8px; background: var(--canvas); font-size: 13px; color: var(--ink); }
.source-head { display: flex; align-items: center; gap: 8px; }
.source-marker { display: inline-grid; place-items: center; min-width: 20px; height: 20px; padding: 0 5px; border-radius: 5px;
  background: var(--accent); color: #fff; font-size: 11px; font-weight: 700; }
.source-section { flex: 1; font-weight: 650; }
.source-close { width: 26px; height: 26px; color: var(--muted); }
.source-close:hover { background: #e6ecf0; }
.source-text { margin: 6px 0 8px; padding: 0; font-style: normal; color: #24343f; }
.source-label { font-size: 11px; font-weight: 700; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); }
.source-none { text-transform: none; letter-spacing: 0; font-weight: 500; font-style: italic; }
.source-refs ol { margin: 4px 0 6px; padding-left: 28px; font-size: 12.5px; color: #33444f; }
.source-meta { font-size: 12px; color: var(--muted); }

.assessment { overflow-wrap: normal; margin: 6px 0 8px; border: 1px solid var(--line); border-radius: 10px; overflow: hidden; }
.assessment-title { display: flex; align-items: baseline; gap: 8px; padding: 8px 12px; background: var(--canvas);
  border-bottom: 1px solid var(--line); font-weight: 650; }
.assessment-title span { font-size: 11.5px; font-weight: 500; color: var(--muted); }
.assessment table { width: 100%; border-collapse: collapse; font-size: 13px; }
.assessment thead th { padding: 6px 12px; text-align: left; font-size: 11px; font-weight: 700; text-transform: uppercase;
  letter-spacing: .06em; color: var(--muted); border-bottom: 1px solid var(--line); }
.assessment tbody + tbody { border-top: 1px solid var(--line); }
.agent-row th, .agent-row td { padding: 9px 12px 4px; text-align: left; vertical-align: top; }
.agent-row th { width: 52%; }
.agent-name { display: block; font-weight: 650; }
.agent-brand { display: block; font-size: 11.5px; font-weight: 400; color: var(--muted); }
.flags-row td { padding: 2px 12px 10px; }
.pill { display: inline-block; padding: 2px 8px; border-radius: 999px; font-size: 11.5px; font-weight: 650; white-space: nowrap; }
.pill-on_label, .pill-yes { background: var(--ok-bg); color: var(--ok); }
.pill-off_label { background: var(--warn-bg); color: var(--warn); }
.pill-unknown { background: #eef2f5; color: var(--muted); }
.pill-no { background: var(--crit-bg); color: var(--crit); }
.pill-now { margin-left: 4px; }
.cite-update { font-style: italic; }
.source-link { color: inherit; text-decoration: underline; }
.later { margin-top: 8px; font-size: 12.5px; }
.later-title { font-weight: 650; }
.later ul { margin: 4px 0; padding-left: 18px; }
.later-note { color: var(--muted); margin: 4px 0 0; }
.severity { margin-top: 6px; padding: 6px 8px; border-radius: 8px; border: 1px solid; }
.severity-critical { background: var(--crit-bg); border-color: var(--crit-line); }
.severity-warning { background: var(--warn-bg); border-color: var(--warn-line); }
.severity-info { background: var(--info-bg); border-color: var(--info-line); }
.severity-title { font-size: 11px; font-weight: 700; text-transform: uppercase; letter-spacing: .06em; }
.severity-critical .severity-title { color: var(--crit); }
.severity-warning .severity-title { color: var(--warn); }
.severity-info .severity-title { color: var(--info); }
.severity ul { margin: 3px 0 0; padding-left: 16px; }
.severity li { margin: 2px 0; font-size: 12.5px; }
.flag-code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; color: var(--muted); }
.no-flags { font-size: 12.5px; color: var(--muted); }
.missing { margin: 0; padding: 8px 12px; border-top: 1px solid var(--line); font-size: 12.5px; color: var(--muted); background: #fcfdfd; }

.quiz { margin: 6px 0 8px; padding: 10px 12px; border: 1px solid var(--info-line); border-radius: 10px; background: var(--info-bg); }
.quiz-kicker { font-size: 11px; font-weight: 700; text-transform: uppercase; letter-spacing: .06em; color: var(--info); }
.quiz-prompt { margin: 4px 0 8px; font-weight: 600; }
.quiz-options { display: grid; gap: 6px; }
.quiz-option { display: flex; gap: 10px; align-items: flex-start; padding: 8px 10px; border: 1px solid var(--info-line);
  border-radius: 8px; background: #fff; text-align: left; }
.quiz-option:hover:not(:disabled) { border-color: var(--info); }
.quiz-option:disabled { cursor: default; opacity: .65; }
.quiz-option[aria-pressed=true] { opacity: 1; border-color: var(--info); box-shadow: 0 0 0 1px var(--info); }
.quiz-key { flex: none; display: grid; place-items: center; width: 22px; height: 22px; border-radius: 6px;
  background: var(--info-bg); color: var(--info); font-weight: 700; font-size: 12px; }

.meta { margin: 4px 0 8px; font-size: 12px; color: var(--muted); }
.notice { margin: 0 0 14px; padding: 8px 12px; border-radius: 8px; background: var(--canvas); color: var(--muted); font-size: 12.5px; }
.notice-error { background: var(--crit-bg); color: var(--crit); border: 1px solid var(--crit-line); }
.link-button { padding: 0; border: 0; background: none; color: inherit; font-weight: 650; text-decoration: underline; }

.suggestions, .welcome-starters { display: flex; flex-wrap: wrap; gap: 6px; margin: 0 0 12px; }
.suggestion { padding: 6px 12px; border: 1px solid #b9d6df; border-radius: 999px; background: #fff;
  color: var(--accent-strong); font-size: 13px; font-weight: 550; }
.suggestion:hover { background: var(--accent-soft); }
.welcome { margin: 4px 0 14px; padding: 14px; border-radius: 12px; background: var(--canvas); color: #2a3a45; }
.welcome p { margin: 0 0 8px; }
.welcome-title { font-size: 16px; font-weight: 650; color: var(--ink); }
.welcome-small { font-size: 12.5px; color: var(--muted); margin-bottom: 0 !important; }

.footer { flex: none; border-top: 1px solid var(--line); padding: 10px 12px 8px; background: #fff; }
.composer { display: flex; align-items: flex-end; gap: 8px; padding: 6px 6px 6px 12px; border: 1px solid #c5d1da;
  border-radius: 12px; background: #fff; transition: border-color .15s, box-shadow .15s; }
.composer:focus-within { border-color: var(--accent); box-shadow: 0 0 0 3px var(--accent-ring); }
.composer textarea { flex: 1; min-height: 24px; max-height: 140px; padding: 6px 0; border: 0; resize: none;
  background: transparent; line-height: 1.45; }
.composer textarea:focus, .composer textarea:focus-visible { outline: none; }
.composer textarea::placeholder { color: var(--faint); }
.send { flex: none; display: grid; place-items: center; width: 36px; height: 36px; padding: 0; border: 0; border-radius: 9px;
  background: var(--accent); color: #fff; }
.send:hover { background: var(--accent-strong); }
.send:disabled { background: #9fb7c0; cursor: progress; }
.hint { margin: 6px 2px 0; font-size: 12px; color: var(--muted); }

@media (max-width: 480px) {
  .panel, :host(.left) .panel { inset: 0; width: 100%; height: 100%; height: 100dvh; border: 0; border-radius: 0; }
  .launcher, :host(.left) .launcher { right: 16px; bottom: 16px; }
  :host(.left) .launcher { left: 16px; right: auto; }
  .launcher-text { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
  .launcher { padding: 16px; }
  .header-button span { display: none; }
  .header-button { padding: 8px; }
  .msg-user .bubble { max-width: 92%; }
}
`;

  // ---- start ---------------------------------------------------------------------------------------
  function start() {
    applyStyles(root);
    document.body.append(host);
    if (options.open === "true" || store.get(OPEN_KEY, "sessionStorage") === "1") open();
  }

  window.RRALLNavigator = Object.freeze({
    open,
    close,
    send: (text) => { open(); return send(String(text)); },
    newPatient,
  });
  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start, { once: true });
})();
