/* Command blocks: each token of a command opens its explanation.
 *
 * The explanations are already in the page (a <details> list under each block, which prints and is
 * searchable); this script makes every token a control that shows its own explanation next to it:
 * hover or click with a mouse, tap on a touch screen, Tab into the command and use the arrow keys,
 * Enter or Space to open, Escape to close. Works with and without Material's instant navigation.
 */
(function () {
  "use strict";

  var HOVER = window.matchMedia && window.matchMedia("(hover: hover)").matches;
  var open = null; // {block, token, pop, pinned}
  var hoverTimer = 0;

  function setup(root) {
    var blocks = root.querySelectorAll(".dn-cmd:not([data-dn-ready])");
    for (var b = 0; b < blocks.length; b++) setupBlock(blocks[b]);
  }

  function setupBlock(block) {
    block.setAttribute("data-dn-ready", "");
    var tokens = Array.prototype.slice.call(block.querySelectorAll("code .dn-t"));
    // The n-th token's explanation is the n-th item of the block's list. Pages that gather other
    // pages' content (print-site, a blog's index) rename the items' ids or repeat them.
    var items = block.querySelectorAll("li.dn-x");
    var pop = document.createElement("div");
    pop.className = "dn-pop";
    pop.id = block.id + "-pop";
    pop.hidden = true;
    pop.setAttribute("role", "region");
    pop.setAttribute("aria-live", "polite");
    var highlight = block.querySelector(".highlight");
    highlight.parentNode.insertBefore(pop, highlight.nextSibling);

    tokens.forEach(function (token, i) {
      var item = items[i];
      if (!item) return;
      token.dnItem = item;
      token.setAttribute("tabindex", i === 0 ? "0" : "-1");
      token.setAttribute("role", "button");
      token.setAttribute("aria-expanded", "false");
      token.setAttribute("aria-controls", pop.id);
      token.setAttribute("aria-describedby", item.id);
      token.addEventListener("click", function (e) {
        e.preventDefault();
        e.stopPropagation();
        if (open && open.token === token && open.pinned) close(false);
        else show(block, token, pop, true);
      });
      token.addEventListener("keydown", function (e) { onKey(e, block, tokens, i, pop); });
      token.addEventListener("focus", function () { roving(tokens, i); });
      if (HOVER) {
        token.addEventListener("mouseenter", function () {
          clearTimeout(hoverTimer);
          if (open && open.pinned) return;
          hoverTimer = setTimeout(function () { show(block, token, pop, false); }, 120);
        });
        token.addEventListener("mouseleave", scheduleHide);
      }
      item.addEventListener("mouseenter", function () { mark(token, item, true); });
      item.addEventListener("mouseleave", function () {
        if (!open || open.token !== token) mark(token, item, false);
      });
    });
    if (HOVER) {
      pop.addEventListener("mouseenter", function () { clearTimeout(hoverTimer); });
      pop.addEventListener("mouseleave", scheduleHide);
    }
  }

  function scheduleHide() {
    clearTimeout(hoverTimer);
    if (open && !open.pinned) hoverTimer = setTimeout(function () { close(false); }, 250);
  }

  function roving(tokens, i) {
    tokens.forEach(function (t, k) { t.setAttribute("tabindex", k === i ? "0" : "-1"); });
  }

  function onKey(e, block, tokens, i, pop) {
    var next = null;
    switch (e.key) {
      case "ArrowRight": case "ArrowDown": next = tokens[Math.min(i + 1, tokens.length - 1)]; break;
      case "ArrowLeft": case "ArrowUp": next = tokens[Math.max(i - 1, 0)]; break;
      case "Home": next = tokens[0]; break;
      case "End": next = tokens[tokens.length - 1]; break;
      case "Enter": case " ":
        e.preventDefault();
        if (open && open.token === tokens[i]) close(false);
        else show(block, tokens[i], pop, true);
        return;
      case "Escape":
        if (open) { e.preventDefault(); close(true); }
        return;
      default: return;
    }
    e.preventDefault();
    var wasOpen = open && open.block === block;
    next.focus();
    if (wasOpen) show(block, next, pop, true);
  }

  // An explanation given earlier on the page is not repeated: the item refers to the first one,
  // by its link and by data-dn-same (a page gathering other pages may rename one and not the
  // other, or repeat ids: the nearest element of that id before the item is the one).
  function explanationOf(token) {
    var item = token.dnItem;
    var link = item && item.querySelector("a.dn-x__same");
    if (!link) return item;
    var ids = [decodeURIComponent(link.hash.slice(1)), item.getAttribute("data-dn-same")];
    var all = document.querySelectorAll("li.dn-x[id]");
    for (var n = 0; n < ids.length; n++) {
      var found = null;
      for (var k = 0; k < all.length && all[k] !== item; k++) if (all[k].id === ids[n]) found = all[k];
      if (found) return found;
    }
    return item;
  }

  function show(block, token, pop, pinned) {
    // A pending hover timer would otherwise re-open this token unpinned (so the next click
    // re-opens instead of closing) or hide what a click or a key has just opened.
    clearTimeout(hoverTimer);
    var item = explanationOf(token);
    if (!item) return;
    if (open && open.token !== token) close(false);
    pop.innerHTML = "";
    for (var c = item.firstChild; c; c = c.nextSibling) pop.appendChild(c.cloneNode(true));
    pop.setAttribute("aria-label", "Explanation of " + token.textContent);
    pop.hidden = false;
    position(block, token, pop);
    token.setAttribute("aria-expanded", "true");
    mark(token, item, true);
    open = { block: block, token: token, pop: pop, pinned: pinned };
  }

  function close(refocus) {
    clearTimeout(hoverTimer); // a hover that started before Escape or a click must not re-open
    if (!open) return;
    var o = open;
    open = null;
    o.pop.hidden = true;
    o.token.setAttribute("aria-expanded", "false");
    mark(o.token, o.token.dnItem, false);
    if (refocus) o.token.focus();
  }

  function mark(token, item, on) {
    token.classList.toggle("dn-t--active", on);
    if (item) item.classList.toggle("dn-x--active", on);
  }

  function position(block, token, pop) {
    var b = block.getBoundingClientRect();
    var t = token.getBoundingClientRect();
    pop.style.left = "0px";
    pop.style.top = (t.bottom - b.top + 6) + "px";
    var width = pop.offsetWidth;
    var left = Math.max(0, Math.min(t.left - b.left, b.width - width));
    pop.style.left = left + "px";
    pop.style.setProperty("--dn-arrow", Math.max(8, Math.min(t.left - b.left - left + t.width / 2, width - 8)) + "px");
  }

  document.addEventListener("click", function (e) {
    if (open && !open.pop.contains(e.target)) close(false);
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && open) close(open.pop.contains(document.activeElement));
  });
  window.addEventListener("resize", function () {
    if (open) position(open.block, open.token, open.pop);
  });
  // Open every explanation list for printing (and close them again afterwards).
  window.addEventListener("beforeprint", function () {
    var lists = document.querySelectorAll("details.dn-explain:not([open])");
    for (var k = 0; k < lists.length; k++) {
      lists[k].setAttribute("open", "");
      lists[k].setAttribute("data-dn-printed", "");
    }
  });
  window.addEventListener("afterprint", function () {
    var lists = document.querySelectorAll("details[data-dn-printed]");
    for (var k = 0; k < lists.length; k++) {
      lists[k].removeAttribute("open");
      lists[k].removeAttribute("data-dn-printed");
    }
  });

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(function () { open = null; setup(document); });
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { setup(document); });
  } else {
    setup(document);
  }
})();
