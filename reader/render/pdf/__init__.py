"""The PDF renderer: typesetting through Pango, WeasyPrint, combined books."""
