#include "eval/svg_chart.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>

namespace own {

namespace {

// the chart's box and its plot area, in SVG user units
constexpr double kWidth = 640, kHeight = 300;
constexpr double kLeft = 70, kRight = 16, kBottom = 44;
constexpr double kTitleY = 20, kLegendY = 38, kLegendRow = 16;
constexpr double kCharWidth = 6.4;  // of an 11px label, for laying out the legend
constexpr const char* kColors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                   "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"};

struct Axis {
  double lo = 0, hi = 1, step = 1;
  std::vector<double> ticks;
};

// an axis over [lo, hi] widened to whole ticks of 1, 2 or 5 x 10^k, about 5 of them
Axis nice_axis(double lo, double hi) {
  if (!(hi > lo)) {  // one value (or none): a band around it
    const double pad = lo == 0 ? 1 : std::fabs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const double raw = (hi - lo) / 5;
  if (!std::isfinite(raw) || raw <= 0) return {lo, hi, hi - lo, {lo, hi}};  // extreme values: the ends only
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double r = raw / mag;
  Axis a;
  a.step = (r < 1.5 ? 1 : r < 3 ? 2 : r < 7 ? 5 : 10) * mag;
  a.lo = std::floor(lo / a.step) * a.step;
  a.hi = std::ceil(hi / a.step) * a.step;
  const auto n = static_cast<int64_t>(std::llround((a.hi - a.lo) / a.step));
  for (int64_t i = 0; i <= std::min<int64_t>(n, 50); i++) a.ticks.push_back(a.lo + static_cast<double>(i) * a.step);
  return a;
}

// a tick label with as many decimals as the tick spacing needs
std::string tick_label(double v, double step) {
  if (std::fabs(v) < step * 1e-6) v = 0;  // no "-0.0"
  if (std::fabs(v) >= 1e6 || step < 1e-4) return fmt::format("{:.3g}", v);
  const int decimals = std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9)));
  return fmt::format("{:.{}f}", v, decimals);
}

std::string num(double v) { return fmt::format("{:.1f}", v); }

}  // namespace

std::string xml_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::vector<MetricPoint> downsample(const std::vector<MetricPoint>& points, size_t max_points) {
  const size_t n = points.size();
  if (n <= max_points || max_points < 2) return points;
  const size_t buckets = max_points / 2;
  std::vector<MetricPoint> out;
  out.reserve(max_points);
  for (size_t b = 0; b < buckets; b++) {
    const size_t begin = b * n / buckets, end = (b + 1) * n / buckets;
    size_t lo = begin, hi = begin;
    for (size_t i = begin; i < end; i++) {
      if (points[i].value < points[lo].value) lo = i;
      if (points[i].value > points[hi].value) hi = i;
    }
    out.push_back(points[std::min(lo, hi)]);
    if (lo != hi) out.push_back(points[std::max(lo, hi)]);
  }
  return out;
}

namespace {

// The series' labels in rows across the top, wrapping at the plot's right edge.
struct Legend {
  std::string svg;
  double last_row_y;  // the plot starts below it
};

Legend legend_svg(const Chart& chart) {
  std::string legend;
  double lx = kLeft, ly = kLegendY;
  for (size_t i = 0; i < chart.series.size(); i++) {
    const std::string& label = chart.series[i].label;
    const double w = 26 + kCharWidth * static_cast<double>(label.size()) + 14;
    if (lx + w > kWidth - kRight && lx > kLeft) {
      lx = kLeft;
      ly += kLegendRow;
    }
    const char* color = kColors[i % std::size(kColors)];
    legend += fmt::format(R"(<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2.5"/>)", num(lx),
                          num(ly - 4), num(lx + 20), num(ly - 4), color);
    legend += fmt::format(R"(<text class="label" x="{}" y="{}" font-size="11" fill="#333">{}</text>)", num(lx + 26), num(ly),
                          xml_escape(label));
    lx += w;
  }
  return {legend, ly};
}

}  // namespace

std::string chart_svg(const Chart& chart, const std::string& id) {
  std::vector<std::vector<MetricPoint>> shown;
  double x_lo = INFINITY, x_hi = -INFINITY, y_lo = INFINITY, y_hi = -INFINITY;
  for (const ChartSeries& s : chart.series) {
    shown.push_back(downsample(s.points));
    for (const MetricPoint& p : s.points) {
      x_lo = std::min(x_lo, static_cast<double>(p.step));
      x_hi = std::max(x_hi, static_cast<double>(p.step));
      y_lo = std::min(y_lo, p.value);
      y_hi = std::max(y_hi, p.value);
    }
  }
  if (!(x_lo <= x_hi)) x_lo = x_hi = y_lo = y_hi = 0;  // no points at all: empty axes

  // the legend first: its rows push the plot down
  const Legend legend = legend_svg(chart);
  const double top = legend.last_row_y + 14, bottom = kHeight - kBottom, left = kLeft, right = kWidth - kRight;

  const Axis xa = nice_axis(x_lo, x_hi), ya = nice_axis(y_lo, y_hi);
  auto px = [&](double x) { return left + (x - xa.lo) / (xa.hi - xa.lo) * (right - left); };
  auto py = [&](double y) { return bottom - (y - ya.lo) / (ya.hi - ya.lo) * (bottom - top); };

  std::string svg = fmt::format(
      R"(<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{0}" viewBox="0 0 {1} {2}" width="{1}" height="{2}" )"
      R"(role="img" aria-labelledby="{0}-title" font-family="system-ui, sans-serif">)",
      xml_escape(id), kWidth, kHeight);
  svg += fmt::format(R"(<title id="{}-title">{}</title>)", xml_escape(id), xml_escape(chart.title));
  svg += fmt::format(R"(<text class="label" x="{}" y="{}" font-size="14" font-weight="600" fill="#222">{}</text>)", num(left),
                     num(kTitleY), xml_escape(chart.title));
  svg += legend.svg;
  for (double t : ya.ticks) {
    svg += fmt::format(R"(<line class="grid" x1="{}" y1="{}" x2="{}" y2="{}" stroke="#e4e5ea"/>)", num(left), num(py(t)),
                       num(right), num(py(t)));
    svg += fmt::format(R"(<text class="tick" x="{}" y="{}" font-size="11" text-anchor="end" fill="#555">{}</text>)",
                       num(left - 6), num(py(t) + 4), tick_label(t, ya.step));
  }
  for (double t : xa.ticks) {
    svg += fmt::format(R"(<line class="grid" x1="{}" y1="{}" x2="{}" y2="{}" stroke="#e4e5ea"/>)", num(px(t)), num(top),
                       num(px(t)), num(bottom));
    svg += fmt::format(R"(<text class="tick" x="{}" y="{}" font-size="11" text-anchor="middle" fill="#555">{}</text>)",
                       num(px(t)), num(bottom + 16), tick_label(t, xa.step));
  }
  svg += fmt::format(R"(<line class="axis" x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="#777"/>)", num(left), num(top), num(bottom));
  svg += fmt::format(R"(<line class="axis" x1="{0}" y1="{2}" x2="{1}" y2="{2}" stroke="#777"/>)", num(left), num(right), num(bottom));
  svg += fmt::format(R"(<text class="label" x="{}" y="{}" font-size="11" text-anchor="middle" fill="#333">{}</text>)",
                     num((left + right) / 2), num(kHeight - 8), xml_escape(chart.x_label));
  svg += fmt::format(
      R"~(<text class="label" x="0" y="0" font-size="11" text-anchor="middle" fill="#333" transform="translate(14 {}) rotate(-90)">{}</text>)~",
      num((top + bottom) / 2), xml_escape(chart.y_label));

  for (size_t i = 0; i < shown.size(); i++) {
    const char* color = kColors[i % std::size(kColors)];
    std::string pts;
    for (const MetricPoint& p : shown[i]) {
      if (!pts.empty()) pts += ' ';
      pts += num(px(static_cast<double>(p.step))) + "," + num(py(p.value));
    }
    svg += fmt::format(R"(<polyline class="series" data-series="{}" fill="none" stroke="{}" stroke-width="1.6" )"
                       R"(stroke-linejoin="round" points="{}"/>)",
                       xml_escape(chart.series[i].label), color, pts);
    if (shown[i].size() == 1)  // a lone point draws no line
      svg += fmt::format(R"(<circle cx="{}" cy="{}" r="3" fill="{}"/>)", num(px(static_cast<double>(shown[i][0].step))),
                         num(py(shown[i][0].value)), color);
  }
  svg += "</svg>";
  return svg;
}

}  // namespace own
