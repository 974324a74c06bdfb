#include <scout/monitoring/metrics.hpp>

#include <array>
#include <charconv>
#include <cmath>

namespace scout::monitoring {
namespace {

void append_number(std::string& out, double value) {
    if (std::isnan(value)) {
        out += "NaN";
    } else if (std::isinf(value)) {
        out += value > 0 ? "+Inf" : "-Inf";
    } else {
        // Plain decimals ("0.0001", not "1e-04") where they stay short, as Prometheus' own
        // clients print bucket bounds.
        const double magnitude = std::fabs(value);
        const auto format = magnitude == 0 || (magnitude >= 1e-6 && magnitude < 1e15)
                                ? std::chars_format::fixed
                                : std::chars_format::general;
        std::array<char, 64> buf{};
        const auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), value, format);
        out.append(buf.data(), ec == std::errc() ? end : buf.data());
    }
}

// HELP text escapes backslash and newline; label values also the double quote.
void append_escaped(std::string& out, std::string_view text, bool quote) {
    for (const char c : text) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '\n') {
            out += "\\n";
        } else if (quote && c == '"') {
            out += "\\\"";
        } else {
            out += c;
        }
    }
}

// {a="x",b="y"} plus an optional extra label (le for buckets); nothing when empty.
void append_labels(
    std::string& out,
    const std::vector<std::string>& names,
    const Labels& values,
    std::string_view extra_name = {},
    std::string_view extra_value = {}
) {
    if (names.empty() && extra_name.empty()) {
        return;
    }
    out += '{';
    bool first = true;
    const auto one = [&](std::string_view name, std::string_view value) {
        out += first ? "" : ",";
        first = false;
        out += name;
        out += "=\"";
        append_escaped(out, value, true);
        out += '"';
    };
    for (std::size_t i = 0; i < names.size() && i < values.size(); ++i) {
        one(names[i], values[i]);
    }
    if (!extra_name.empty()) {
        one(extra_name, extra_value);
    }
    out += '}';
}

void append_sample(
    std::string& out,
    std::string_view name,
    std::string_view suffix,
    const FamilySnapshot& family,
    const Labels& labels,
    double value
) {
    out += name;
    out += suffix;
    append_labels(out, family.label_names, labels);
    out += ' ';
    append_number(out, value);
    out += '\n';
}

void append_histogram(std::string& out, const FamilySnapshot& family, const Sample& sample) {
    const HistogramSnapshot& h = sample.histogram;
    std::uint64_t cumulative = 0;
    for (std::size_t b = 0; b < h.counts.size(); ++b) {
        cumulative += h.counts[b];
        std::string le;
        if (b < h.bounds.size()) {
            append_number(le, h.bounds[b]);
        } else {
            le = "+Inf";
        }
        out += family.name;
        out += "_bucket";
        append_labels(out, family.label_names, sample.labels, "le", le);
        out += ' ';
        append_number(out, static_cast<double>(cumulative));
        out += '\n';
    }
    append_sample(out, family.name, "_sum", family, sample.labels, h.sum);
    append_sample(out, family.name, "_count", family, sample.labels, static_cast<double>(h.count));
}

std::string_view type_name(MetricType type) {
    switch (type) {
        case MetricType::kCounter:
            return "counter";
        case MetricType::kGauge:
            return "gauge";
        case MetricType::kHistogram:
            return "histogram";
    }
    return "untyped";
}

}  // namespace

std::string render_prometheus(const std::vector<FamilySnapshot>& families) {
    std::string out;
    out.reserve(families.size() * 256);
    for (const FamilySnapshot& family : families) {
        out += "# HELP ";
        out += family.name;
        out += ' ';
        append_escaped(out, family.help, false);
        out += "\n# TYPE ";
        out += family.name;
        out += ' ';
        out += type_name(family.type);
        out += '\n';
        for (const Sample& sample : family.samples) {
            if (family.type == MetricType::kHistogram) {
                append_histogram(out, family, sample);
            } else {
                append_sample(out, family.name, "", family, sample.labels, sample.value);
            }
        }
    }
    return out;
}

}  // namespace scout::monitoring
