/* The dashboard's charts: the data is read from <script type="application/json" id="zs-data">,
   written by the server; this file is static and works the same from file:// (the one-file 通报).
   It draws what it is given and works out no figure of its own.
   The sections the server sends after the first paint (the 督查 list, the 红黑榜) stand as
   <div data-part="/part/…">: each is fetched from the server, rendered there as the one-file
   通报 has it inline, and put in place; if the fetch fails, the section says so in one line. */
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("[data-part]"), function (box) {
    function failed() {
      var line = document.createElement("p");
      line.className = "failed";
      line.textContent = box.getAttribute("data-failed");
      box.replaceChildren(line);
      box.setAttribute("data-state", "failed");
    }
    fetch(box.getAttribute("data-part"), { credentials: "same-origin" })
      .then(function (answer) {
        if (!answer.ok) { throw new Error("HTTP " + answer.status); }
        return answer.text();
      })
      .then(function (html) {
        box.innerHTML = html;  // the server's own template, autoescaped: no script runs from it
        box.setAttribute("data-state", "done");
      })
      .catch(failed);
  });
})();

(function () {
  "use strict";
  var source = document.getElementById("zs-data");
  if (!source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent).charts;
  var charts = [];
  var percent = function (value) { return value == null ? "—" : (value * 100).toFixed(1) + "%"; };
  var colours = ["#c23531", "#2f4554", "#61a0a8", "#d48265", "#91c7ae"];

  function make(id, option) {
    var node = document.getElementById(id);
    if (!node) { return null; }
    var chart = echarts.init(node, null, { renderer: "canvas" });
    option.animation = false;
    chart.setOption(option);
    charts.push(chart);
    return chart;
  }

  var c = data.completion;
  if (c) {
    var series = c.series.map(function (s, i) {
      return { name: s.name, type: "bar", data: s.data, barGap: "-100%", barMaxWidth: 28,
               itemStyle: { color: colours[i % colours.length] } };
    });
    var shares = c.measure === "completion";
    if (series.length && c.lines.length) {
      series[0].markLine = {
        symbol: "none", silent: true,
        label: { formatter: "{b}", position: "insideEndTop" },
        data: c.lines.map(function (line, i) {
          return { name: line.name, yAxis: line.value,
                   lineStyle: { color: i === 0 ? "#1f5fbf" : "#e6a700", type: i === 0 ? "solid" : "dashed", width: 2 } };
        })
      };
    }
    var chart = make("chart-completion", {
      tooltip: { trigger: "axis", renderMode: "richText", valueFormatter: shares ? percent : undefined },
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 32, bottom: 80 },
      xAxis: { type: "category", data: c.categories, axisLabel: { interval: 0, rotate: 40 } },
      yAxis: { type: "value", axisLabel: shares ? { formatter: percent } : {} },
      series: series
    });
    if (chart && c.links.length) {
      chart.on("click", function (p) { if (c.links[p.dataIndex]) { window.location.href = c.links[p.dataIndex]; } });
    }
  }

  var m = data.monthly;
  if (m) {
    make("chart-monthly", {
      tooltip: { trigger: "axis", renderMode: "richText" },
      legend: { top: 0 },
      grid: { left: 72, right: 16, top: 32, bottom: 32 },
      xAxis: { type: "category", data: m.categories },
      yAxis: { type: "value" },
      series: m.series.map(function (s, i) {
        return { name: s.name, type: "line", data: s.data, symbol: "circle",
                 lineStyle: { type: i === 0 ? "solid" : "dashed" } };
      })
    });
  }

  var f = data.funnel;
  if (f) {
    make("chart-funnel", {
      tooltip: { trigger: "item", renderMode: "richText" },
      series: f.series.map(function (s) {
        return { name: s.name, type: "funnel", sort: "none", left: "10%", width: "80%", top: 8, bottom: 8,
                 minSize: "8%", label: { formatter: "{b} {c}" }, data: s.data };
      })
    });
  }

  window.addEventListener("resize", function () { charts.forEach(function (ch) { ch.resize(); }); });
  window.addEventListener("beforeprint", function () { charts.forEach(function (ch) { ch.resize(); }); });
  document.documentElement.setAttribute("data-charts", String(charts.length));
})();
