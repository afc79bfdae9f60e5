"""Live meeting updates: ``protocol`` (the wire format), ``hub`` (fan-out with backpressure)
and the WebSocket endpoint that joins them to HTTP."""
