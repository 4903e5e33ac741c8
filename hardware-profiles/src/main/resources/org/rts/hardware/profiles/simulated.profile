# A unit in a terminal: the display drawn as text, keys for buttons, a battery that drains and charges, a camera
# and a printer that write files.
board = simulated
display = terminal
battery = simulated
# result slips as PNG files (a 58 mm printer's 384 dots across) in the unit's data folder, slips/
printer = png
# photos of the signed form: a drawn picture, or the JPEG file named by -Drts.simulated.photo=FILE
camera = simulated
