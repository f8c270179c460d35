"""Jobs: work that may outlast an API request, run from a queue and polled."""
