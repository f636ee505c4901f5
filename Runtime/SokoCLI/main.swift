print("soko")
