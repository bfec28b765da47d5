"""Capital arrivals (资金到位): recording one, writing many, reversing, exchange rates."""
