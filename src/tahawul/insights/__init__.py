"""KPIs, dashboards, charts and exports."""
