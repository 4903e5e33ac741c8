# Raspberry Pi 5, Geekworm X1200 UPS (MAX17040-family gauge, power-loss signal on GPIO 6; GPIO 16 is the X1200's
# charge control and is left alone), SSD1306 128x64 OLED. Pins are BCM numbers; buttons close to ground.
board = pi5
display = ssd1306 1 0x3c
battery = max17040 1 0x36
mains = gpio 6
button.transmit = gpio 17
button.confirm = gpio 27
button.cancel = gpio 22
button.up = gpio 23
button.down = gpio 24
button.next = gpio 25
led.power = gpio 5
led.online = gpio 12
led.pending = gpio 19
led.error = gpio 20
buzzer = gpio 18
tamper = gpio 21
# a 58 mm ESC/POS thermal printer on USB (the kernel's usblp driver); unplugged, the unit says so and goes on
printer = escpos /dev/usb/lp0
