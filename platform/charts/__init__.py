"""Figures and charts that know no feature app: weighted statistics (`charts.stats`),
server-side chart rendering (`charts.render`) and table exports (`charts.tables`)."""
