# A unit in a terminal: the display drawn as text, keys for buttons, a battery that drains and charges.
board = simulated
display = terminal
battery = simulated
