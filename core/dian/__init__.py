"""DIAN's SOAP service: request envelopes, response models, the async client.

``envelopes`` builds (and, for the simulator, parses) requests; ``responses`` renders and parses
answers; ``client`` sends them; ``errors`` types what can go wrong on the way.
"""
