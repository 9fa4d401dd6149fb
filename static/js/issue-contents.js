/* The issue page's contents (newsletters/jinja2/newsletters/issue_article.html):
   marks the link of the section being read with aria-current="true", and
   shows the "Contents" link in the corner only while the contents are out
   of view. Without this script the links work as plain anchors and the
   corner link always shows on narrow screens. */
(function () {
  "use strict";

  var contents = document.getElementById("issue-toc");
  if (!contents || !("IntersectionObserver" in window)) {
    return;
  }
  var returnLink = document.querySelector(".contents-return");

  // The sections the contents link to, in page order. Side boxes are left
  // out: they sit beside their section, which stays the one being read.
  var entries = [];
  contents.querySelectorAll('a[href^="#"]').forEach(function (link) {
    var target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (target && !target.closest(".section-row__aside")) {
      entries.push({ link: link, target: target });
    }
  });

  // A section is being read once its top is in the upper quarter of the
  // window or above it.
  var READING_LINE = 0.25;

  function currentEntry() {
    var line = window.innerHeight * READING_LINE;
    var atBottom =
      window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 2;
    var current = null;
    entries.forEach(function (entry) {
      var top = entry.target.getBoundingClientRect().top;
      // At the very end of the page the last sections never reach the line.
      if (top <= line || (atBottom && top < window.innerHeight)) {
        current = entry;
      }
    });
    return current;
  }

  var marked = null;

  function markCurrent() {
    var current = currentEntry();
    if (current === marked) {
      return;
    }
    if (marked) {
      marked.link.removeAttribute("aria-current");
    }
    marked = current;
    if (current) {
      current.link.setAttribute("aria-current", "true");
      keepInView(current.link);
    }
  }

  // The contents scroll on their own when taller than the window (wide
  // screens): keep the marked link visible in them, without moving the page.
  function keepInView(link) {
    if (contents.scrollHeight <= contents.clientHeight) {
      return;
    }
    var box = contents.getBoundingClientRect();
    var item = link.getBoundingClientRect();
    if (item.top < box.top) {
      contents.scrollTop -= box.top - item.top + 16;
    } else if (item.bottom > box.bottom) {
      contents.scrollTop += item.bottom - box.bottom + 16;
    }
  }

  // Called whenever a section or box enters or leaves the band above the
  // reading line: the only moments the section being read can change. The
  // boxes are watched too, so that a jump into one of them counts.
  var sections = new IntersectionObserver(markCurrent, {
    rootMargin: "0px 0px -" + (100 - READING_LINE * 100) + "% 0px",
  });
  document.querySelectorAll("article .issue-section").forEach(function (section) {
    sections.observe(section);
  });
  window.addEventListener("hashchange", markCurrent);
  window.addEventListener("resize", markCurrent);
  markCurrent();

  if (returnLink) {
    new IntersectionObserver(function (changes) {
      var inView = changes[changes.length - 1].isIntersecting;
      returnLink.setAttribute("data-contents-in-view", inView ? "true" : "false");
    }).observe(contents);
  }
})();
