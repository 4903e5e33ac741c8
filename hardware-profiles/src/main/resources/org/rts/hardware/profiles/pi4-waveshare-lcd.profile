# Raspberry Pi 4, Waveshare UPS HAT (INA219 at 0x42, 2-cell pack), 20x4 HD44780 LCD on a PCF8574 backpack (0x27).
# The LCD shows Latin text only: units with this profile work in French or English.
board = pi4
display = hd44780-pcf8574 1 0x27
battery = ina219-2cell 1 0x42
button.transmit = gpio 17
button.confirm = gpio 27
button.cancel = gpio 22
button.up = gpio 23
button.down = gpio 24
button.next = gpio 25
led.power = gpio 5
led.online = gpio 6
led.pending = gpio 13
led.error = gpio 19
buzzer = gpio 18
tamper = gpio 26
