/* Draws the dashboard's charts. Each chart's figure is in a <script type="application/json">
   element named by its container's data-chart attribute, so the page needs no inline script
   and runs under the strict content security policy. The tables beside the charts carry the
   same figures for anyone without JavaScript or using a screen reader. */
(function () {
  "use strict";

  function draw(container) {
    var source = document.getElementById(container.getAttribute("data-chart"));
    if (!source) {
      return;
    }
    var figure = JSON.parse(source.textContent);
    window.Plotly.newPlot(container, figure.data, figure.layout, figure.config).then(function () {
      container.classList.add("chart--drawn");
    });
  }

  function start() {
    if (!window.Plotly) {
      return;  // the plotting library did not load: the tables still say everything
    }
    document.querySelectorAll("[data-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
