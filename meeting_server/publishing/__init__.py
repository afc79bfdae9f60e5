"""Minutes (biên bản) and conclusion notices (thông báo kết luận): context, HTML, PDF."""
