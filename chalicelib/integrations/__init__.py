"""Sales and traffic sources and the BI export, converted at the border."""
