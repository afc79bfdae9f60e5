"""SQL per aggregate. Functions take a reader connection or a Transaction and return models."""
