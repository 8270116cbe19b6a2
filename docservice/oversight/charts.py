"""Charts drawn on the server as SVG: no script, presentation attributes only (no ``style``), so the same
drawing goes inline in a page (CSP-safe) and into the PDF report (svglib). Each chart carries a title and a
description for screen readers; the pages also show the figures as a table."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

Translate = Callable[[str], str]


def _same(text: str) -> str:
    return text

FONT = "Liberation Serif, Times New Roman, serif"
GREEN, AMBER, RED, GREY, INK, BLUE = "#2e7d32", "#f9a825", "#c62828", "#bdbdbd", "#1a1a1a", "#1565c0"
HEAT = ((90, "#1b5e20", "#ffffff"), (80, "#66bb6a", INK), (70, "#fdd835", INK), (0, "#ef5350", INK))


def _text(x: float, y: float, text: Any, *, size: int = 11, anchor: str = "start", fill: str = INK,
          weight: str = "normal") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-family="{FONT}" font-size="{size}" fill="{fill}" '
            f'text-anchor="{anchor}" font-weight="{weight}">{escape(str(text))}</text>')


def _svg(width: float, height: float, title: str, description: str, body: list[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
            f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-labelledby="t d">'
            f'<title id="t">{escape(title)}</title><desc id="d">{escape(description)}</desc>'
            f'<rect width="100%" height="100%" fill="#ffffff"/>' + "".join(body) + "</svg>")


def _month_label(key: str) -> str:
    year, month = key.split("-")
    return f"{int(month)}/{year[2:]}"


def _heat(value: float | None) -> tuple[str, str]:
    if value is None:
        return GREY, INK
    return next((fill, ink) for floor, fill, ink in HEAT if value >= floor)


def attendance_heatmap(stats: dict[str, Any], _: Translate = _same) -> str:
    """Rows: chi bộ; columns: months; each cell the month's attendance (%) by colour and number."""
    title = _("Tỷ lệ đảng viên dự sinh hoạt theo tháng")
    rows = stats["per_organization"]
    months = sorted({key for o in rows for key in o["monthly_attendance"]} | set(stats["meetings"]["monthly"]))
    label_w, cell_w, cell_h, top = 190, max(26, min(44, 640 // max(len(months), 1))), 20, 40
    width, height = label_w + cell_w * max(len(months), 1) + 10, top + cell_h * len(rows) + 50
    body = [_text(label_w, 16, title, size=13, weight="bold")]
    body += [_text(label_w + cell_w * i + cell_w / 2, top - 6, _month_label(k), size=9, anchor="middle")
             for i, k in enumerate(months)]
    for r, org in enumerate(rows):
        y = top + r * cell_h
        body.append(_text(label_w - 6, y + 14, org["name"][:32], size=10, anchor="end"))
        for i, key in enumerate(months):
            value = org["monthly_attendance"].get(key)
            fill, ink = _heat(value)
            body.append(f'<rect x="{label_w + i * cell_w + 1}" y="{y + 1}" width="{cell_w - 2}" height="{cell_h - 2}" '
                        f'fill="{fill}"><title>{escape(org["name"])} {key}: '
                        f'{"—" if value is None else f"{value:.1f}%"}</title></rect>')
            if value is not None:
                body.append(_text(label_w + i * cell_w + cell_w / 2, y + 14, f"{value:.0f}", size=9, anchor="middle",
                                  fill=ink))
    legend_y = top + cell_h * len(rows) + 18
    for i, (text, fill) in enumerate((("≥ 90%", HEAT[0][1]), ("80–90%", HEAT[1][1]), ("70–80%", HEAT[2][1]),
                                      ("< 70%", HEAT[3][1]), (_("không họp"), GREY))):
        x = label_w + i * 90
        body += [f'<rect x="{x}" y="{legend_y}" width="14" height="14" fill="{fill}"/>',
                 _text(x + 18, legend_y + 11, text, size=10)]
    described = _("%(cells)s chi bộ, %(months)s tháng; số trong ô là phần trăm đảng viên có mặt.") % {
        "cells": len(rows), "months": len(months)}
    return _svg(width, height, title, described, body)


def meetings_on_time(stats: dict[str, Any], _: Translate = _same) -> str:
    """Stacked bars per month: chi bộ that met on time, late, or not at all."""
    title = _("Sinh hoạt chi bộ đúng lịch theo tháng")
    monthly = stats["meetings"]["monthly"]
    keys = sorted(monthly)
    most = max([sum(v.values()) for v in monthly.values()] + [1])
    left, top, plot_h, bar_w = 40, 36, 180, max(14, min(40, 640 // max(len(keys), 1)))
    width, height = left + bar_w * max(len(keys), 1) + 20, top + plot_h + 60
    body = [_text(left, 16, title, size=13, weight="bold"),
            f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 10}" y2="{top + plot_h}" stroke="{INK}"/>']
    for tick in sorted({0, most // 2, most}):
        y = top + plot_h - plot_h * tick / most
        body.append(_text(left - 4, y + 4, tick, size=9, anchor="end"))
    for i, key in enumerate(keys):
        y = top + plot_h
        for part, colour, label in (("on_time", GREEN, _("Đúng lịch")), ("late", AMBER, _("Chậm")),
                                    ("missing", RED, _("Không sinh hoạt"))):
            count = monthly[key][part]
            if count:
                h = plot_h * count / most
                y -= h
                body.append(f'<rect x="{left + i * bar_w + 2}" y="{y:.1f}" width="{bar_w - 4}" height="{h:.1f}" '
                            f'fill="{colour}"><title>{escape(f"{_month_label(key)}: {label} {count}")}</title></rect>')
        body.append(_text(left + i * bar_w + bar_w / 2, top + plot_h + 14, _month_label(key), size=9,
                          anchor="middle"))
    legend_y = top + plot_h + 30
    for i, (text, fill) in enumerate(((_("Đúng lịch"), GREEN), (_("Chậm"), AMBER), (_("Không sinh hoạt"), RED))):
        body += [f'<rect x="{left + i * 120}" y="{legend_y}" width="14" height="14" fill="{fill}"/>',
                 _text(left + i * 120 + 18, legend_y + 11, text, size=10)]
    m = stats["meetings"]
    described = _("%(months)s lượt chi bộ-tháng đến hạn: %(on_time)s đúng lịch, %(late)s chậm, "
                  "%(missing)s không sinh hoạt.") % m
    return _svg(width, height, title, described, body)


def documents_by_type(stats: dict[str, Any], names: dict[str, str], _: Translate = _same) -> str:
    """Horizontal bars per document type: generated documents and archived records."""
    title = _("Văn bản và hồ sơ theo loại")
    kinds = sorted(set(stats["documents_by_type"]) | set(stats["records_by_type"]),
                   key=lambda k: -(stats["documents_by_type"].get(k, 0) + stats["records_by_type"].get(k, 0)))
    most = max([stats["documents_by_type"].get(k, 0) + stats["records_by_type"].get(k, 0) for k in kinds] + [1])
    label_w, plot_w, row_h, top = 150, 420, 22, 34
    width, height = label_w + plot_w + 60, top + row_h * max(len(kinds), 1) + 34
    body = [_text(label_w, 16, title, size=13, weight="bold")]
    for r, kind in enumerate(kinds):
        y = top + r * row_h
        made, filed = stats["documents_by_type"].get(kind, 0), stats["records_by_type"].get(kind, 0)
        body.append(_text(label_w - 6, y + 14, names.get(kind, kind)[:24], size=10, anchor="end"))
        w1, w2 = plot_w * made / most, plot_w * filed / most
        if made:
            body.append(f'<rect x="{label_w}" y="{y + 3}" width="{w1:.1f}" height="{row_h - 6}" fill="{BLUE}"/>')
        if filed:
            body.append(f'<rect x="{label_w + w1:.1f}" y="{y + 3}" width="{w2:.1f}" height="{row_h - 6}" '
                        f'fill="{GREY}"/>')
        body.append(_text(label_w + w1 + w2 + 4, y + 14, f"{made} + {filed}", size=9))
    if not kinds:
        body.append(_text(label_w, top + 14, _("Không có văn bản trong thời gian này."), size=10))
    legend_y = top + row_h * max(len(kinds), 1) + 10
    body += [f'<rect x="{label_w}" y="{legend_y}" width="14" height="14" fill="{BLUE}"/>',
             _text(label_w + 18, legend_y + 11, _("Văn bản đã tạo"), size=10),
             f'<rect x="{label_w + 140}" y="{legend_y}" width="14" height="14" fill="{GREY}"/>',
             _text(label_w + 158, legend_y + 11, _("Hồ sơ lưu trữ"), size=10)]
    described = "; ".join(_("%(name)s: %(made)s văn bản, %(filed)s hồ sơ") % {
        "name": names.get(k, k), "made": stats["documents_by_type"].get(k, 0),
        "filed": stats["records_by_type"].get(k, 0)} for k in kinds) or _("Không có văn bản trong thời gian này.")
    return _svg(width, height, title, described, body)


def attendance_trend(stats: dict[str, Any], _: Translate = _same) -> str:
    """Bars of the subtree's monthly attendance (%), with the target as a dashed line."""
    title = _("Tỷ lệ dự sinh hoạt chung theo tháng")
    monthly = stats["monthly_attendance"]
    keys = sorted(monthly)
    target = stats["attendance"]["target_percent"]
    left, top, plot_h, bar_w = 40, 36, 160, max(14, min(40, 640 // max(len(keys), 1)))
    width, height = left + bar_w * max(len(keys), 1) + 60, top + plot_h + 34
    body = [_text(left, 16, title, size=13, weight="bold"),
            f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 50}" y2="{top + plot_h}" stroke="{INK}"/>']
    for tick in (0, 50, 100):
        body.append(_text(left - 4, top + plot_h - plot_h * tick / 100 + 4, f"{tick}%", size=9, anchor="end"))
    for i, key in enumerate(keys):
        value = monthly[key] or 0
        h = plot_h * value / 100
        fill = GREEN if value >= target else AMBER
        body.append(f'<rect x="{left + i * bar_w + 2}" y="{top + plot_h - h:.1f}" width="{bar_w - 4}" '
                    f'height="{h:.1f}" fill="{fill}"><title>{key}: {value:.1f}%</title></rect>')
        body.append(_text(left + i * bar_w + bar_w / 2, top + plot_h + 14, _month_label(key), size=9,
                          anchor="middle"))
    y = top + plot_h - plot_h * target / 100
    body += [f'<line x1="{left}" y1="{y:.1f}" x2="{width - 50}" y2="{y:.1f}" stroke="{RED}" stroke-dasharray="4 3"/>',
             _text(width - 48, y + 4, f"{target:g}%", size=9, fill=RED)]
    described = "; ".join(f"{_month_label(k)}: {monthly[k] or 0:.1f}%" for k in keys) or _("Không có buổi sinh hoạt.")
    return _svg(width, height, title, described, body)
