"""Documents people print or keep, as PDF: the writer (pdf.py, on fpdf2: text, tables, bar charts, QR codes) and the
Indonesian ways of writing figures (figures.py). It knows no domain; receipts (orders/receipt_pdf.py) and the city's
monthly report (city/report_pdf.py) are written with it."""
