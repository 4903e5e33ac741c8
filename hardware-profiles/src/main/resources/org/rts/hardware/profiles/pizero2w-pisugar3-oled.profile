# Raspberry Pi Zero 2 W, PiSugar 3 battery (gauge at 0x57; its clock at 0x68 is the kernel's), SSD1306 OLED.
board = pi-zero-2w
display = ssd1306 1 0x3c
battery = pisugar3 1 0x57
button.transmit = gpio 17
button.confirm = gpio 27
button.cancel = gpio 22
button.up = gpio 23
button.down = gpio 24
button.next = gpio 25
led.online = gpio 5
led.pending = gpio 6
led.error = gpio 13
buzzer = gpio 12
tamper = gpio 26
