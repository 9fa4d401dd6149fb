/* The page in the admin (newsletters/admin/issue_admin.py).
 *
 * Sections, and an interview's questions, are reordered by dragging
 * (django-nested-admin) or with their Move up / Move down buttons, which
 * keyboards reach. Each section shows the fields of its kind only, can be
 * collapsed, sits indented under the section it is shown with, and suggests
 * its printed number from its place. Without this script every field shows
 * and the order is typed.
 */
"use strict";
(function () {
  const SECTION_ITEMS = "#sections-group > fieldset > .djn-items";
  const gettext = window.gettext || ((text) => text);
  const interpolate = window.interpolate || ((text) => text);

  function liveForms(container) {
    return Array.from(container.children).filter(
      (item) => item.classList.contains("djn-inline-form") && !item.classList.contains("djn-empty-form")
    );
  }

  function own(form, selector) {
    // The first match that belongs to `form` itself, not to a nested form.
    return Array.from(form.querySelectorAll(selector)).find(
      (element) => element.closest(".djn-inline-form") === form
    );
  }

  function field(form, name) {
    // A translated field carries the language it edits: "-title_fr".
    const pattern = new RegExp(`-${name}(_[a-z]{2})?$`);
    return Array.from(form.querySelectorAll("[name]")).find(
      (element) => pattern.test(element.name) && element.closest(".djn-inline-form") === form
    );
  }

  function titleOf(form) {
    const title = field(form, "title") || field(form, "question");
    return (title && title.value.trim()) || gettext("Untitled");
  }

  function announce(message) {
    const status = document.getElementById("issue-editor-status");
    status.textContent = "";
    window.setTimeout(() => { status.textContent = message; }, 50);
  }

  function renumber(container) {
    liveForms(container).forEach((form, index) => {
      const position = field(form, "order");
      if (position) position.value = index;
    });
  }

  function showKindFields(form) {
    const kind = field(form, "kind");
    if (!kind) return;
    form.querySelectorAll('fieldset[class*="for-kind-"]').forEach((fieldset) => {
      if (fieldset.closest(".djn-inline-form") !== form) return;
      fieldset.hidden = !fieldset.classList.contains(`for-kind-${kind.value}`);
    });
    const questions = own(form, '.djn-group[data-inline-model="newsletters-question"]');
    if (questions) questions.hidden = kind.value !== "interview";
  }

  function refreshSections() {
    const container = document.querySelector(SECTION_ITEMS);
    if (!container) return;
    let suggested = 0;
    liveForms(container).forEach((form) => {
      const parent = field(form, "parent");
      const kind = field(form, "kind");
      const isChild = Boolean(parent && parent.value);
      form.classList.toggle("issue-section--child", isChild);
      showKindFields(form);
      const number = field(form, "number");
      if (number && !isChild && kind && kind.value !== "box") {
        suggested += 1;
        number.placeholder = interpolate(gettext("Suggested: %s"), [suggested]);
        number.dataset.suggested = suggested;
      } else if (number) {
        number.placeholder = "";
        delete number.dataset.suggested;
      }
    });
  }

  function move(form, step) {
    const container = form.parentElement;
    const forms = liveForms(container);
    const index = forms.indexOf(form);
    const target = forms[index + step];
    if (!target) return;
    if (step < 0) container.insertBefore(form, target);
    else container.insertBefore(form, target.nextSibling);
    renumber(container);
    refreshSections();
    const button = own(form, step < 0 ? ".issue-editor-up" : ".issue-editor-down");
    if (button) button.focus();
    announce(
      interpolate(gettext("“%s” moved to position %s of %s."), [
        titleOf(form), forms.indexOf(target) + 1, forms.length,
      ])
    );
  }

  function button(label, className, onClick) {
    const element = document.createElement("button");
    element.type = "button";
    element.className = `issue-editor-button ${className}`;
    element.textContent = label;
    // A click must not start a drag of the heading it sits in.
    element.addEventListener("mousedown", (event) => event.stopPropagation());
    element.addEventListener("click", (event) => {
      event.preventDefault();
      event.stopPropagation();
      onClick();
    });
    return element;
  }

  function addControls(form) {
    const heading = own(form, "h3");
    if (!heading || heading.querySelector(".issue-editor-controls")) return;
    const controls = document.createElement("span");
    controls.className = "issue-editor-controls";
    const name = () => titleOf(form);
    const up = button(gettext("Move up"), "issue-editor-up", () => move(form, -1));
    const down = button(gettext("Move down"), "issue-editor-down", () => move(form, 1));
    controls.append(up, down);
    if (form.dataset.inlineModel === "newsletters-section") {
      const toggle = button(gettext("Collapse"), "issue-editor-toggle", () => {
        const collapsed = form.classList.toggle("is-collapsed");
        toggle.textContent = collapsed ? gettext("Expand") : gettext("Collapse");
        toggle.setAttribute("aria-expanded", String(!collapsed));
      });
      toggle.setAttribute("aria-expanded", "true");
      controls.append(toggle);
    }
    [up, down].forEach((control) => {
      control.addEventListener("focus", () => {
        control.setAttribute(
          "aria-label", `${control.textContent}: ${name()}`
        );
      });
    });
    heading.append(controls);
  }

  function numberInOrder() {
    const container = document.querySelector(SECTION_ITEMS);
    liveForms(container).forEach((form) => {
      const number = field(form, "number");
      if (number) number.value = number.dataset.suggested || "";
    });
    announce(gettext("The sections are numbered in their order."));
  }

  function setUp() {
    const container = document.querySelector(SECTION_ITEMS);
    if (!container) return;
    document.body.classList.add("issue-editor-js");
    const status = document.createElement("p");
    status.id = "issue-editor-status";
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    document.body.append(status);
    const tools = document.createElement("p");
    tools.className = "issue-editor-tools";
    tools.append(button(gettext("Number the sections in order"), "issue-editor-number", numberInOrder));
    container.parentElement.insertBefore(tools, container);
    // Rows added, removed or dropped after a drag: the lists of rows only,
    // not the rich-text editors inside them, which change at every key.
    const observer = new MutationObserver(() => enhance());
    const enhance = () => {
      document.querySelectorAll("#sections-group .djn-inline-form:not(.djn-empty-form)").forEach(addControls);
      document.querySelectorAll("#sections-group .djn-items").forEach((items) => {
        if (items.dataset.observed) return;
        items.dataset.observed = "true";
        observer.observe(items, { childList: true });
      });
      refreshSections();
    };
    enhance();
    document.addEventListener("change", refreshSections);
    document.addEventListener("mouseup", () => window.setTimeout(refreshSections, 0));
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
