// Line charts as inline SVG for the run report (report.html): a title, a legend, axes with
// "nice" ticks (1, 2, 5 x 10^k) and their labels, grid lines, one polyline per series. Long series
// are thinned to kMaxChartPoints by keeping each bucket's lowest and highest point, so spikes stay
// visible. Pure text in, text out: no scripts, no external references; every string is escaped.
// Colors are attributes (the SVG stands alone); classes (grid, axis, tick, label) let a page restyle.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "eval/metrics_log.h"

namespace own {

inline constexpr size_t kMaxChartPoints = 500;

struct ChartSeries {
  std::string label;
  std::vector<MetricPoint> points;  // by step
};

struct Chart {
  std::string title, x_label = "step", y_label;
  std::vector<ChartSeries> series;
};

// & < > " ' as entities: safe in HTML/SVG text and in quoted attributes
std::string xml_escape(std::string_view s);

// At most max_points points (max_points >= 2): each of max_points/2 buckets of consecutive points
// gives its lowest and its highest point, in step order (one point when they are the same).
std::vector<MetricPoint> downsample(const std::vector<MetricPoint>& points, size_t max_points = kMaxChartPoints);

// The chart as one <svg> element; `id` makes its element ids unique within a page.
std::string chart_svg(const Chart& chart, const std::string& id);

}  // namespace own
