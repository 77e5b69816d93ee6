"""RADIAN: the events a party sends on an electronic invoice (030-034) and the invoices a
tenant received from its suppliers, on which its events are sent."""
