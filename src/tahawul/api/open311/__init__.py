"""Open311 GeoReport v2 at /open311/v2/: plain Django views, XML (the required format) and JSON."""
